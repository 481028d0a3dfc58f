package dev.chatbus.protocol;

import static dev.chatbus.protocol.IrcEvents.CRLF;

/**
 * IRCv3's {@code labeled-response} for one connection: a command the client tagged with a {@code label}
 * has everything the server answers it with collected until the command is fully answered, then sent
 * labeled: nothing as an {@code ACK}, one line with the label tag, several lines as one {@code BATCH} of
 * type {@code labeled-response} (with the {@code batch} capability; without it, as they are).
 * <p>
 * What others do meanwhile (their messages, joins, invitations) and the server's keep-alive are not part of
 * the answer, and are sent as they come.
 */
final class IrcLabels {

  private String label;
  private final StringBuilder answer = new StringBuilder();
  private int batches;

  /** A command labeled {@code label} (null for none) is about to be carried out. */
  void start(String label) {
    this.label = label;
    answer.setLength(0);
  }

  /** Keeps {@code lines} for the answer, if a labeled command is being answered; returns whether it did. */
  boolean collect(String lines) {
    if (label == null) {
      return false;
    }
    answer.append(lines);
    return true;
  }

  /**
   * The labeled command has been answered: what to send for it (null when no labeled command was being
   * answered), from {@code server}, as one batch when {@code batch}.
   */
  String answered(String server, boolean batch) {
    if (label == null) {
      return null;
    }
    String tag = "label=" + IrcLine.escape(label);
    String lines = answer.toString();
    label = null;
    answer.setLength(0);
    int first = lines.indexOf(CRLF);
    if (first < 0) {
      return "@" + tag + " :" + server + " ACK" + CRLF;
    }
    if (first + CRLF.length() == lines.length() || !batch) {
      return IrcEvents.withTag(tag, lines.substring(0, first + CRLF.length())) + lines.substring(first + CRLF.length());
    }
    String id = "L" + ++batches;
    StringBuilder sb = new StringBuilder(lines.length() + 64)
      .append('@').append(tag).append(" :").append(server).append(" BATCH +").append(id).append(" labeled-response").append(CRLF);
    sb.append(IrcEvents.inBatch(id, lines));
    return sb.append(':').append(server).append(" BATCH -").append(id).append(CRLF).toString();
  }
}
