/**
 * Checks that a decoded object makes sense (names are DNS labels, counts are not negative, ports
 * are in range) and reports every problem with the field it is about.
 */
package dev.berth.api.validation;
