package io.tandem.controller.metrics;

/**
 * The role a controller process runs now, as {@code tandem_role} shows it: CHANGING between one role's end and the
 * next one's start.
 */
public enum ControllerRole
{
    PRIMARY, SECONDARY, CHANGING
}
