package dev.switchboard.lifecycle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * Test utility: the receiving end of sd_notify. Binds an AF_UNIX SOCK_DGRAM socket through libc
 * with the FFM API (the JDK's {@code DatagramChannel.open(UNIX)} does not support datagrams), to
 * a file system path or to an abstract name written {@code "@name"}, and hands back each datagram
 * as a UTF-8 string. Linux only.
 *
 * <p>Typical use, in-process or with a child gateway:
 *
 * <pre>{@code
 * try (var systemd = UnixDatagramReceiver.bind("@sb-test-" + UUID.randomUUID())) {
 *   env.put("NOTIFY_SOCKET", systemd.name());
 *   ...start the gateway...
 *   List<String> seen = systemd.receiveUntil(m -> m.contains("READY=1"), Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p>Keep draining it (with {@link #receive}, {@link #receiveUntil} or {@link #drain}) while a
 * sender is busy: Linux queues at most {@code net.unix.max_dgram_qlen} (often 10) datagrams on
 * an unread socket, after which the sender's blocking {@code sendto} waits (SdNotifier uses a
 * blocking socket, as libsystemd does).
 *
 * <p>Thread safety: calls are serialized; {@link #close} may be called from any thread and
 * wakes a blocked {@link #receive}.
 */
public final class UnixDatagramReceiver implements AutoCloseable {
  private static final int AF_UNIX = 1;
  private static final int SOCK_DGRAM = 2;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final int SOL_SOCKET = 1;
  private static final int SO_RCVTIMEO = 20;
  private static final int MSG_DONTWAIT = 0x40;
  private static final int SHUT_RDWR = 2;
  private static final int EINTR = 4;
  private static final int EAGAIN = 11; // == EWOULDBLOCK on Linux
  private static final int SUN_PATH_MAX = 108;
  private static final long SOCKADDR_UN_SIZE = 2 + SUN_PATH_MAX;
  /** Larger than any datagram sd_notify sends; a longer one would be truncated by recv. */
  private static final int MAX_DATAGRAM = 64 * 1024;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LIBC = LINKER.defaultLookup();
  private static final StructLayout CAPTURED = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CAPTURED.varHandle(MemoryLayout.PathElement.groupElement("errno"));
  /** {@code struct timeval { long tv_sec; long tv_usec; }} on Linux x86_64. */
  private static final StructLayout TIMEVAL =
      MemoryLayout.structLayout(JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_usec"));

  private static final MethodHandle SOCKET =
      downcall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), true);
  private static final MethodHandle BIND =
      downcall("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), true);
  private static final MethodHandle SETSOCKOPT = downcall(
      "setsockopt",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT),
      true);
  private static final MethodHandle RECV = downcall(
      "recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), true);
  private static final MethodHandle SHUTDOWN =
      downcall("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), false);
  private static final MethodHandle CLOSE =
      downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), false);
  private static final MethodHandle UNLINK =
      downcall("unlink", FunctionDescriptor.of(JAVA_INT, ADDRESS), false);

  private static MethodHandle downcall(String name, FunctionDescriptor fd, boolean errno) {
    MemorySegment symbol =
        LIBC.find(name).orElseThrow(() -> new IllegalStateException("libc has no " + name));
    return errno
        ? LINKER.downcallHandle(symbol, fd, Linker.Option.captureCallState("errno"))
        : LINKER.downcallHandle(symbol, fd);
  }

  private final String name;
  private final int fd;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile boolean closed;
  private boolean fdClosed; // guarded by lock

  private UnixDatagramReceiver(String name, int fd) {
    this.name = name;
    this.fd = fd;
  }

  /** Binds to a file system path (which must not exist yet); the file is removed by close. */
  public static UnixDatagramReceiver bind(Path path) throws IOException {
    return bind(path.toString());
  }

  /** Binds to an abstract name: {@code bindAbstract("x")} is the same as {@code bind("@x")}. */
  public static UnixDatagramReceiver bindAbstract(String abstractName) throws IOException {
    return bind("@" + abstractName);
  }

  /**
   * Binds to {@code name} as NOTIFY_SOCKET spells it: a file system path, or {@code "@name"} for
   * the abstract namespace (the '@' becomes a leading NUL byte; the address then has no
   * terminating NUL and its length is {@code 2 + 1 + len(name)}).
   */
  public static UnixDatagramReceiver bind(String name) throws IOException {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
      throw new IOException("AF_UNIX datagram receiver is only supported on Linux");
    }
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    boolean isAbstract = name.startsWith("@");
    int pathBytes = isAbstract ? bytes.length : bytes.length + 1;
    if (bytes.length == 0 || (isAbstract && bytes.length == 1) || pathBytes > SUN_PATH_MAX) {
      throw new IOException(
          "socket name '" + name + "' is empty or longer than " + SUN_PATH_MAX + " bytes");
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment errno = arena.allocate(CAPTURED);
      int fd = (int) SOCKET.invokeExact(errno, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      if (fd < 0) {
        throw new IOException("socket() failed, errno " + errno(errno));
      }
      MemorySegment addr = arena.allocate(SOCKADDR_UN_SIZE, 2); // zero-filled
      addr.set(JAVA_SHORT, 0, (short) AF_UNIX);
      MemorySegment.copy(bytes, 0, addr, JAVA_BYTE, 2, bytes.length);
      if (isAbstract) {
        addr.set(JAVA_BYTE, 2, (byte) 0);
      }
      int rc = (int) BIND.invokeExact(errno, fd, addr, 2 + pathBytes);
      if (rc != 0) {
        int err = errno(errno);
        closeQuietly(fd);
        throw new IOException("bind(" + name + ") failed, errno " + err);
      }
      return new UnixDatagramReceiver(name, fd);
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException(t);
    }
  }

  /** The name to put in NOTIFY_SOCKET: the path, or "@name" for an abstract socket. */
  public String name() {
    return name;
  }

  /** True for an abstract-namespace socket (nothing in the file system). */
  public boolean isAbstract() {
    return name.startsWith("@");
  }

  /**
   * Waits up to {@code timeout} for one datagram. Empty when none arrived in time, or when the
   * receiver is (being) closed.
   */
  public Optional<String> receive(Duration timeout) throws IOException {
    if (timeout.isNegative()) {
      timeout = Duration.ZERO;
    }
    lock.lock();
    try {
      if (closed) {
        return Optional.empty();
      }
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment errno = arena.allocate(CAPTURED);
        setReceiveTimeout(arena, errno, timeout);
        MemorySegment buf = arena.allocate(MAX_DATAGRAM);
        long deadline = System.nanoTime() + saturatedNanos(timeout);
        while (true) {
          long n = (long) RECV.invokeExact(errno, fd, buf, (long) MAX_DATAGRAM, 0);
          if (n >= 0) {
            if (n == 0 && closed) {
              return Optional.empty(); // woken by shutdown() in close()
            }
            return Optional.of(decode(buf, n));
          }
          int err = errno(errno);
          if (err == EAGAIN) {
            return Optional.empty();
          }
          if (err != EINTR) {
            throw new IOException("recv(" + name + ") failed, errno " + err);
          }
          // EINTR: try again for the time that is left
          long left = deadline - System.nanoTime();
          if (left <= 0 || closed) {
            return Optional.empty();
          }
          setReceiveTimeout(arena, errno, Duration.ofNanos(left));
        }
      }
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException(t);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Receives datagrams until one matches {@code until} and returns all of them in arrival order,
   * the matching one last. Fails with an AssertionError listing what did arrive when
   * {@code timeout} passes first.
   */
  public List<String> receiveUntil(Predicate<String> until, Duration timeout) throws IOException {
    List<String> seen = new ArrayList<>();
    long deadline = System.nanoTime() + saturatedNanos(timeout);
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no matching datagram on " + name + " within " + timeout.toMillis()
            + " ms; received " + seen);
      }
      Optional<String> next = receive(Duration.ofNanos(left));
      if (next.isPresent()) {
        seen.add(next.get());
        if (until.test(next.get())) {
          return seen;
        }
      } else if (closed) {
        throw new AssertionError("receiver " + name + " closed; received " + seen);
      }
    }
  }

  /** Returns every datagram already queued, without waiting. */
  public List<String> drain() throws IOException {
    List<String> all = new ArrayList<>();
    lock.lock();
    try (Arena arena = Arena.ofConfined()) {
      if (closed) {
        return all;
      }
      MemorySegment errno = arena.allocate(CAPTURED);
      MemorySegment buf = arena.allocate(MAX_DATAGRAM);
      while (true) {
        long n = (long) RECV.invokeExact(errno, fd, buf, (long) MAX_DATAGRAM, MSG_DONTWAIT);
        if (n >= 0) {
          all.add(decode(buf, n));
          continue;
        }
        int err = errno(errno);
        if (err == EAGAIN) {
          return all;
        }
        if (err != EINTR) {
          throw new IOException("recv(" + name + ") failed, errno " + err);
        }
      }
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException(t);
    } finally {
      lock.unlock();
    }
  }

  /** Closes the socket and, for a path, removes the socket file. Idempotent. */
  @Override
  public void close() {
    closed = true;
    try {
      // wakes a receive() blocked in recv(): it returns 0 and sees `closed`
      int unused = (int) SHUTDOWN.invokeExact(fd, SHUT_RDWR);
    } catch (Throwable ignored) {
      // best effort; a blocked receive() still ends at its timeout
    }
    lock.lock();
    try {
      if (fdClosed) {
        return;
      }
      fdClosed = true;
      closeQuietly(fd);
      if (!isAbstract()) {
        unlink(name);
      }
    } finally {
      lock.unlock();
    }
  }

  private void setReceiveTimeout(Arena arena, MemorySegment errno, Duration timeout)
      throws Throwable {
    // SO_RCVTIMEO of zero means "wait forever"; the shortest real wait is one microsecond.
    long micros = Math.max(1, Math.min(saturatedNanos(timeout) / 1000, Long.MAX_VALUE / 2));
    MemorySegment tv = arena.allocate(TIMEVAL);
    tv.set(JAVA_LONG, 0, micros / 1_000_000);
    tv.set(JAVA_LONG, 8, micros % 1_000_000);
    int rc = (int)
        SETSOCKOPT.invokeExact(errno, fd, SOL_SOCKET, SO_RCVTIMEO, tv, (int) TIMEVAL.byteSize());
    if (rc != 0) {
      throw new IOException("setsockopt(SO_RCVTIMEO) failed, errno " + errno(errno));
    }
  }

  private static String decode(MemorySegment buf, long n) {
    byte[] bytes = buf.asSlice(0, n).toArray(JAVA_BYTE);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 4;
    }
  }

  private static int errno(MemorySegment captured) {
    return (int) ERRNO.get(captured, 0L);
  }

  private static void closeQuietly(int fd) {
    try {
      int unused = (int) CLOSE.invokeExact(fd);
    } catch (Throwable ignored) {
      // nothing to do about a failed close of a datagram socket
    }
  }

  private static void unlink(String path) {
    try (Arena arena = Arena.ofConfined()) {
      int unused = (int) UNLINK.invokeExact(arena.allocateFrom(path));
    } catch (Throwable ignored) {
      // a leftover socket file in a temporary directory is harmless
    }
  }
}
