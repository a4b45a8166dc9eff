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
import java.util.Locale;

/**
 * Sends datagrams to an AF_UNIX socket through libc, with the FFM API. Written by hand because
 * the JDK's {@code DatagramChannel.open(UNIX)} throws UnsupportedOperationException, and no
 * maintained Java library for sd_notify avoids JNI. Linux only (systemd is Linux only).
 */
final class UnixDatagramSender implements AutoCloseable {
  private static final int AF_UNIX = 1;
  private static final int SOCK_DGRAM = 2;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final int MSG_NOSIGNAL = 0x4000;
  /** Never block: a full socket (systemd busy) drops the message instead of stalling a stop. */
  private static final int MSG_DONTWAIT = 0x40;

  private static final int SUN_PATH_MAX = 108;
  /** {@code struct sockaddr_un} on Linux: a 2-byte family, then 108 bytes of path. */
  private static final long SOCKADDR_UN_SIZE = 2 + SUN_PATH_MAX;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LIBC = LINKER.defaultLookup();
  private static final StructLayout CAPTURED = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CAPTURED.varHandle(MemoryLayout.PathElement.groupElement("errno"));
  private static final MethodHandle SOCKET = LINKER.downcallHandle(
      LIBC.find("socket").orElseThrow(),
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
      Linker.Option.captureCallState("errno"));
  private static final MethodHandle SENDTO = LINKER.downcallHandle(
      LIBC.find("sendto").orElseThrow(),
      FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT),
      Linker.Option.captureCallState("errno"));
  private static final MethodHandle CLOSE = LINKER.downcallHandle(
      LIBC.find("close").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT));

  private final Arena arena;
  private final MemorySegment address;
  private final int addressLength;
  private final int fd;

  private UnixDatagramSender(Arena arena, MemorySegment address, int addressLength, int fd) {
    this.arena = arena;
    this.address = address;
    this.addressLength = addressLength;
    this.fd = fd;
  }

  /** Opens a socket for {@code name}: a file system path, or "@name" for the abstract namespace. */
  static UnixDatagramSender open(String name) throws IOException {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
      throw new IOException("sd_notify is only supported on Linux");
    }
    byte[] path = name.getBytes(StandardCharsets.UTF_8);
    boolean isAbstract = name.startsWith("@");
    // A path needs its terminating NUL; an abstract name replaces '@' by NUL and has none.
    int pathBytes = isAbstract ? path.length : path.length + 1;
    if (path.length == 0 || pathBytes > SUN_PATH_MAX) {
      throw new IOException("socket name is empty or longer than " + SUN_PATH_MAX + " bytes");
    }
    // Closed below on every failure; on success the sender owns it and closes it in close().
    @SuppressWarnings("MustBeClosedChecker")
    Arena arena = Arena.ofShared();
    try {
      MemorySegment addr = arena.allocate(SOCKADDR_UN_SIZE, 2);
      addr.set(JAVA_SHORT, 0, (short) AF_UNIX);
      MemorySegment sunPath = addr.asSlice(2, SUN_PATH_MAX);
      MemorySegment.copy(path, 0, sunPath, JAVA_BYTE, 0, path.length);
      if (isAbstract) {
        sunPath.set(JAVA_BYTE, 0, (byte) 0);
      }
      MemorySegment errno = arena.allocate(CAPTURED);
      int fd = (int) SOCKET.invokeExact(errno, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      if (fd < 0) {
        throw new IOException("socket() failed, errno " + (int) ERRNO.get(errno, 0L));
      }
      return new UnixDatagramSender(arena, addr, 2 + pathBytes, fd);
    } catch (IOException | RuntimeException | Error e) {
      arena.close();
      throw e;
    } catch (Throwable t) {
      arena.close();
      throw new IOException(t);
    }
  }

  void send(String message) throws IOException {
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    try (Arena call = Arena.ofConfined()) {
      MemorySegment buf = call.allocate(Math.max(1, bytes.length));
      MemorySegment.copy(bytes, 0, buf, JAVA_BYTE, 0, bytes.length);
      MemorySegment errno = call.allocate(CAPTURED);
      long sent = (long) SENDTO.invokeExact(
          errno, fd, buf, (long) bytes.length, MSG_NOSIGNAL | MSG_DONTWAIT, address, addressLength);
      if (sent < 0) {
        throw new IOException("sendto() failed, errno " + (int) ERRNO.get(errno, 0L));
      }
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException(t);
    }
  }

  @Override
  public void close() {
    try {
      int _ = (int) CLOSE.invokeExact(fd);
    } catch (Throwable ignored) {
      // closing a datagram socket cannot fail in a way we could act on
    } finally {
      arena.close();
    }
  }
}
