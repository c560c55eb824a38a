/**
 * Berth's object model ({@code apiVersion: berth.dev/v1}): the kinds a user declares and the
 * controllers reconcile. Every object is a record with {@code metadata}, {@code spec} and
 * {@code status}; this package does no I/O.
 */
package dev.berth.api;
