package io.itinera.engine.gateway;

/**
 * Who made a request, once its key checked out: the key's public id (never its secret) and scope,
 * with the rate its requests are limited to.
 *
 * @param keyId {@link KeyIds#of} of the secret
 * @param name what the key is for, as it was created ("environment" for the bootstrap keys)
 * @param rateLimit the key's own limit, or null for its scope's default
 */
public record Caller(String keyId, String name, Scope scope, RateLimit rateLimit) {}
