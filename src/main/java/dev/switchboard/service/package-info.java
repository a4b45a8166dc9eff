/**
 * Installing the gateway as a service: {@link dev.switchboard.service.ServiceInstaller} writes
 * the systemd unit ({@link dev.switchboard.service.SystemdUnit}) or the launchd plist and runs
 * systemctl or launchctl.
 *
 * <p>Rule: knows only configuration; the command line gives it the rest.
 */
package dev.switchboard.service;
