package dev.switchboard.lifecycle;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * Our handlers for TERM, INT, HUP and USR1, installed first thing in {@code main} so the JVM's
 * defaults (SIGTERM: exit 143; SIGUSR1: die at once) never apply once we are up. Signals that
 * arrive before the gateway attaches are queued and replayed to it.
 *
 * <p>SIGQUIT is left to the JVM, which owns it: it prints every thread's stack to stdout and
 * keeps running, which is exactly what we want from it.
 *
 * <p>{@code sun.misc.Signal} is reached by reflection: it is the only JDK API for signal
 * handlers, and javac's "internal proprietary API" warning on it cannot be silenced under
 * {@code --release}.
 */
public final class Signals {
  public static final List<String> HANDLED = List.of("TERM", "INT", "HUP", "USR1");

  private final ReentrantLock lock = new ReentrantLock();

  @GuardedBy("lock")
  private final List<String> pending = new ArrayList<>();

  @GuardedBy("lock")
  private @Nullable Consumer<String> listener;

  @GuardedBy("lock")
  private @Nullable Runnable onQueuedStop;

  private Signals() {}

  /** Signals with no handler installed, delivered only by {@link #deliver}: for tests. */
  static Signals withoutHandlers() {
    return new Signals();
  }

  /** Installs the handlers; signals are queued until {@link #attach}. */
  public static Signals install() {
    Signals signals = new Signals();
    // No logger before the handlers are in: starting logging takes long enough for a SIGTERM
    // to arrive and meet the JVM's default (exit 143).
    List<String> failed = new ArrayList<>();
    String problem = null;
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Constructor<?> newSignal = signalClass.getConstructor(String.class);
      Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
      Method getName = signalClass.getMethod("getName");
      @SuppressWarnings("ReferenceEquality") // a proxy equals only itself
      InvocationHandler ih = (proxy, method, args) -> switch (method.getName()) {
        case "handle" -> {
          signals.deliver((String) getName.invoke(args[0]));
          yield null;
        }
        case "hashCode" -> System.identityHashCode(proxy);
        case "equals" -> proxy == args[0];
        case "toString" -> "switchboard-signal-handler";
        default -> null;
      };
      Object handler =
          Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handlerClass}, ih);
      for (String name : HANDLED) {
        try {
          handle.invoke(null, newSignal.newInstance(name), handler);
        } catch (ReflectiveOperationException | RuntimeException e) {
          failed.add("SIG" + name); // one signal the platform refuses must not cost the others
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      failed.addAll(HANDLED.stream().map(n -> "SIG" + n).toList());
      problem = e.toString();
    }
    if (!failed.isEmpty()) {
      LoggerFactory.getLogger(Signals.class)
          .error(
              "could not install handlers for {}{}; those"
                  + " signals get the JVM's default (SIGTERM: exit 143)",
              failed,
              problem == null ? "" : " (" + problem + ")");
    }
    return signals;
  }

  /**
   * Runs {@code action} when a stop signal (TERM, INT) is queued while nothing is attached, or
   * at once if one is queued already; null removes it. A start that waits (for a database that
   * cannot be reached) ends its wait with it instead of holding the stop until it gives up.
   * The signal stays queued for {@link #attach}.
   */
  public void onQueuedStop(@Nullable Runnable action) {
    boolean already;
    lock.lock();
    try {
      onQueuedStop = action;
      already = stopPendingLocked();
    } finally {
      lock.unlock();
    }
    if (action != null && already) {
      action.run();
    }
  }

  /** Whether a stop signal (TERM, INT) is queued, waiting for {@link #attach}. */
  public boolean stopPending() {
    lock.lock();
    try {
      return stopPendingLocked();
    } finally {
      lock.unlock();
    }
  }

  @GuardedBy("lock")
  private boolean stopPendingLocked() {
    return pending.contains("TERM") || pending.contains("INT");
  }

  /** Sends queued and future signals to {@code target}. */
  public void attach(Consumer<String> target) {
    List<String> replay;
    lock.lock();
    try {
      listener = target;
      replay = new ArrayList<>(pending);
      pending.clear();
    } finally {
      lock.unlock();
    }
    replay.forEach(target);
  }

  /** Signals received while nothing was attached, in order. */
  public List<String> pending() {
    lock.lock();
    try {
      return List.copyOf(pending);
    } finally {
      lock.unlock();
    }
  }

  /** The handler's entry; public so tests can deliver a signal without sending one. */
  public void deliver(String name) {
    Consumer<String> target;
    Runnable stopAction = null;
    lock.lock();
    try {
      target = listener;
      if (target == null) {
        pending.add(name);
        if (name.equals("TERM") || name.equals("INT")) {
          stopAction = onQueuedStop;
        }
      }
    } finally {
      lock.unlock();
    }
    if (target != null) {
      target.accept(name);
    } else if (stopAction != null) {
      stopAction.run();
    }
  }
}
