package dev.switchboard.testing;

import dev.switchboard.common.TaskSpawner;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Runs each task on a virtual thread and remembers them, so a test can interrupt them all. */
public final class VirtualThreadSpawner implements TaskSpawner, AutoCloseable {
  private final List<Thread> threads = new CopyOnWriteArrayList<>();

  @Override
  public void spawn(String name, Runnable task) {
    threads.add(Thread.ofVirtual().name(name).start(task));
  }

  @Override
  public void close() {
    threads.forEach(Thread::interrupt);
  }
}
