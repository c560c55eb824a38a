/**
 * The task reaper (swarmkit's taskreaper): deletes task history beyond the cluster's retention
 * limit, and the tasks of removed services and slots, once nothing runs them any more.
 */
package dev.berth.controllers.reaper;
