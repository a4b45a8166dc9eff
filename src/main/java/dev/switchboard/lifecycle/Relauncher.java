package dev.switchboard.lifecycle;

import java.io.IOException;

/** Starts the next gateway process when no service manager will (lifecycle rule 8). */
@FunctionalInterface
public interface Relauncher {
  void relaunch() throws IOException;
}
