package dev.berth.cli.client;

/**
 * What {@code POST /api/v1/apply} did with one document.
 *
 * @param kind the object's kind, e.g. {@code Service}
 * @param name the object's name
 * @param action {@code created}, {@code configured} or {@code unchanged}
 */
public record ApplyResult(String kind, String name, String action) {
}
