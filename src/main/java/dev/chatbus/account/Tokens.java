package dev.chatbus.account;

import dev.chatbus.bus.ErrorCode;
import dev.chatbus.bus.Refusal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.auth.PubSecKeyOptions;

import java.time.Duration;

/**
 * Signed tokens for programs (JWT, HS256, with vertx-auth-jwt): each names a subject (a service, or a user
 * of the JSON protocol) and what it may do ({@link Grant}), and expires. Made with {@code tokens.secret},
 * by {@code chatbus token} or any JWT library, with the audience {@code chatbus}; verified on the event
 * loop (an HMAC, microseconds), each time a bridge client, an HTTP request or a JSON client shows one.
 */
public final class Tokens {

  /** The audience every Chatbus token names, so that a token for another service with the same key is not one. */
  public static final String AUDIENCE = "chatbus";
  /** The shortest secret taken: 32 bytes, HS256's key size. */
  public static final int MIN_SECRET_BYTES = 32;

  private final JWTAuth auth;

  private Tokens(JWTAuth auth) {
    this.auth = auth;
  }

  /** Tokens signed with {@code secret}. */
  public static Tokens create(Vertx vertx, String secret) {
    return new Tokens(JWTAuth.create(vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret))
      .setJWTOptions(new JWTOptions().addAudience(AUDIENCE))));
  }

  /**
   * The grant of {@code token}, or a failure with {@link ErrorCode#BAD_TOKEN} saying why not: not signed
   * with the secret, for another audience, expired, or without a subject and an expiry.
   */
  public Future<Grant> verify(String token) {
    return auth.authenticate(new TokenCredentials(token))
      .recover(err -> Future.failedFuture(new Refusal(ErrorCode.BAD_TOKEN,
        err.getMessage() != null && err.getMessage().toLowerCase().contains("expired") ? "the token has expired"
          : "the token is not valid: " + err.getMessage())))
      .compose(user -> {
        // The provider keeps the token's claims as the user's attribute accessToken.
        Object claims = user.attributes().getValue("accessToken");
        Grant grant = claims instanceof JsonObject c ? Grant.of(c) : null;
        if (grant == null) {
          return Future.failedFuture(new Refusal(ErrorCode.BAD_TOKEN,
            "the token is not valid: it needs sub (a valid name), exp, and read and post as lists of rooms"));
        }
        return Future.succeededFuture(grant);
      });
  }

  /** A token of {@code grant}'s subject and rights, expiring {@code ttl} from now. */
  public String mint(Grant grant, Duration ttl) {
    return auth.generateToken(grant.claims(), new JWTOptions().setAlgorithm("HS256").addAudience(AUDIENCE)
      .setExpiresInSeconds((int) Math.min(Integer.MAX_VALUE, ttl.toSeconds())));
  }
}
