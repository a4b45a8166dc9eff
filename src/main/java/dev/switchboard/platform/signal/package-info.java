/** Signal through signal-cli. */
package dev.switchboard.platform.signal;
