package dev.chatbus.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which web pages may open the chat's WebSocket. A browser lets any page open a WebSocket to any server,
 * sending the page's origin along, and the server decides: a page of another site must not talk as the
 * browser's user. Allowed are the server's own pages (the origin names the host the request was sent to),
 * the origins of {@code http.allowedOrigins}, every one with {@code *}, and clients that send no origin
 * (programs, not browsers).
 */
public final class Origins {

  private final Set<String> allowed;
  private final boolean any;

  /** @param allowed origins as {@link #normalize} gives them, or {@code *} */
  public Origins(List<String> allowed) {
    this.any = allowed.contains("*");
    this.allowed = Set.copyOf(allowed);
  }

  /**
   * Whether a page of {@code origin} (the request's {@code Origin} header, null when it has none) may open
   * the WebSocket of a server reached at {@code host} (its {@code Host} header) over {@code scheme}.
   */
  public boolean allows(String origin, String scheme, String host) {
    if (origin == null || any) {
      return true;
    }
    String o = normalize(origin);
    return o != null && (allowed.contains(o) || host != null && o.equals(normalize(scheme + "://" + host)));
  }

  /**
   * An origin as browsers send it ({@code scheme://host[:port]}), lower case and without its scheme's
   * default port; null when it is not one (a path, no host, another scheme, or {@code null}, which a
   * sandboxed page sends).
   */
  public static String normalize(String origin) {
    URI uri;
    try {
      uri = new URI(origin.strip());
    } catch (URISyntaxException e) {
      return null;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean path = uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/");
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || path
      || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
      return null;
    }
    int port = uri.getPort();
    boolean defaultPort = port == -1 || port == 80 && scheme.equals("http") || port == 443 && scheme.equals("https");
    return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
  }
}
