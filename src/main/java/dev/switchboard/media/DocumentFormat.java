package dev.switchboard.media;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a stored file is, as far as reading its text goes: text, a PDF, or something else with a
 * name a user understands ("a ZIP archive"). The file's first bytes decide first, because the
 * MIME type a platform states is often {@code application/octet-stream} and sometimes wrong,
 * and a file name can be anything; then a text-like MIME type or extension; then, when neither
 * says anything, the file is tried as text and its bytes decide.
 */
sealed interface DocumentFormat {
  /** Text, to be checked byte by byte while it is read: the claim may still be false. */
  record Text() implements DocumentFormat {}

  /** A PDF, or a file that claims to be one. */
  record Pdf() implements DocumentFormat {}

  /** Something with no text to read: {@code description} names it ("a ZIP archive"). */
  record Other(String description) implements DocumentFormat {}

  /** Enough of the head for every signature below. */
  int HEAD_BYTES = 16;

  static DocumentFormat of(Path path, @Nullable String mimeType, @Nullable String fileName)
      throws IOException {
    byte[] head;
    try (InputStream in = Files.newInputStream(path)) {
      head = in.readNBytes(HEAD_BYTES);
    }
    return of(head, mimeType, fileName);
  }

  static DocumentFormat of(byte[] head, @Nullable String mimeType, @Nullable String fileName) {
    String mime = Names.mime(mimeType);
    String name = fileName == null ? "" : fileName.strip().toLowerCase(Locale.ROOT);
    String ext = Names.extension(name);
    @Nullable String signature = Signatures.of(head, ext);
    if (signature != null) {
      return signature.equals(Signatures.PDF) ? new Pdf() : new Other(signature);
    }
    if (mime.equals("application/pdf") || ext.equals("pdf")) {
      return new Pdf();
    }
    if (Names.isTextMime(mime) || Names.isTextName(name, ext)) {
      return new Text();
    }
    if (Names.isGeneric(mime)) {
      // Nothing said what it is (a "README" sent as octet-stream): its bytes will tell.
      return new Text();
    }
    return new Other(Names.describe(mime, ext));
  }

  /** MIME types and file names that say "text", and names for the ones that do not. */
  final class Names {
    private Names() {}

    /** What platforms send when they do not know; the name and the bytes must decide. */
    private static final Set<String> GENERIC = Set.of(
        "",
        "application/octet-stream",
        "binary/octet-stream",
        "application/binary",
        "application/unknown",
        "application/x-unknown",
        "application/download",
        "application/x-download",
        "application/force-download");

    private static final Set<String> TEXT_MIMES = Set.of(
        "application/json",
        "application/x-ndjson",
        "application/xml",
        "application/yaml",
        "application/x-yaml",
        "application/toml",
        "application/javascript",
        "application/x-javascript",
        "application/ecmascript",
        "application/typescript",
        "application/x-typescript",
        "application/x-sh",
        "application/x-shellscript",
        "application/x-csh",
        "application/sql",
        "application/x-sql",
        "application/graphql",
        "application/x-httpd-php",
        "application/x-perl",
        "application/x-ruby",
        "application/x-python",
        "application/x-tex",
        "application/x-latex",
        "application/csv",
        "application/x-subrip",
        "application/x-java-source",
        "application/x-properties",
        "application/x-wine-extension-ini");

    private static final Set<String> TEXT_EXTENSIONS = Set.of(
        // prose and markup
        "txt",
        "text",
        "md",
        "markdown",
        "mdx",
        "rst",
        "adoc",
        "asciidoc",
        "org",
        "tex",
        "bib",
        "html",
        "htm",
        "xhtml",
        "xml",
        "xsd",
        "xsl",
        "svg",
        "rss",
        "atom",
        "srt",
        "vtt",
        // data
        "csv",
        "tsv",
        "json",
        "jsonl",
        "ndjson",
        "geojson",
        "ipynb",
        "yaml",
        "yml",
        "toml",
        "ini",
        "cfg",
        "conf",
        "config",
        "properties",
        "env",
        "log",
        "diff",
        "patch",
        "sql",
        "graphql",
        "gql",
        "proto",
        "tf",
        "hcl",
        "nix",
        "lock",
        // code
        "py",
        "pyi",
        "js",
        "mjs",
        "cjs",
        "jsx",
        "ts",
        "tsx",
        "mts",
        "cts",
        "vue",
        "svelte",
        "css",
        "scss",
        "sass",
        "less",
        "java",
        "kt",
        "kts",
        "scala",
        "sc",
        "groovy",
        "gradle",
        "clj",
        "cljs",
        "edn",
        "go",
        "rs",
        "c",
        "h",
        "cc",
        "cpp",
        "cxx",
        "hpp",
        "hh",
        "hxx",
        "cs",
        "fs",
        "fsx",
        "vb",
        "swift",
        "m",
        "mm",
        "rb",
        "php",
        "pl",
        "pm",
        "lua",
        "r",
        "jl",
        "dart",
        "ex",
        "exs",
        "erl",
        "hrl",
        "hs",
        "ml",
        "mli",
        "elm",
        "el",
        "lisp",
        "scm",
        "rkt",
        "zig",
        "nim",
        "v",
        "sv",
        "vhd",
        "asm",
        "s",
        "sh",
        "bash",
        "zsh",
        "fish",
        "ps1",
        "psm1",
        "bat",
        "cmd",
        "awk",
        "sed",
        "mk",
        "cmake",
        "dockerfile",
        "containerfile");

    /** Files that are text by name alone. */
    private static final Set<String> TEXT_NAMES = Set.of(
        "readme",
        "license",
        "licence",
        "copying",
        "authors",
        "changelog",
        "notice",
        "makefile",
        "gnumakefile",
        "dockerfile",
        "containerfile",
        "jenkinsfile",
        "vagrantfile",
        "gemfile",
        "rakefile",
        "procfile",
        "brewfile",
        "justfile",
        ".gitignore",
        ".gitattributes",
        ".editorconfig",
        ".env",
        ".bashrc",
        ".zshrc",
        ".profile");

    /** {@code "Text/Plain; charset=utf-8"} → {@code "text/plain"}. */
    static String mime(@Nullable String mimeType) {
      if (mimeType == null) {
        return "";
      }
      int semicolon = mimeType.indexOf(';');
      String bare = semicolon < 0 ? mimeType : mimeType.substring(0, semicolon);
      return bare.strip().toLowerCase(Locale.ROOT);
    }

    /** {@code "notes.tar.gz"} → {@code "gz"}; {@code "README"} and {@code ".env"} → {@code ""}. */
    static String extension(String name) {
      int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
      String base = name.substring(slash + 1);
      int dot = base.lastIndexOf('.');
      return dot <= 0 ? "" : base.substring(dot + 1);
    }

    static boolean isGeneric(String mime) {
      return GENERIC.contains(mime);
    }

    static boolean isTextMime(String mime) {
      return mime.startsWith("text/")
          || TEXT_MIMES.contains(mime)
          || (mime.startsWith("application/") && (mime.endsWith("+json") || mime.endsWith("+xml")));
    }

    static boolean isTextName(String name, String ext) {
      int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
      String base = name.substring(slash + 1);
      String stem = ext.isEmpty() ? base : base.substring(0, base.length() - ext.length() - 1);
      return TEXT_EXTENSIONS.contains(ext)
          || TEXT_NAMES.contains(base)
          || TEXT_NAMES.contains(stem);
    }

    /** A name for a type that has no text to read, from its MIME type or else its extension. */
    static String describe(String mime, String ext) {
      String byExt = Signatures.byExtension(ext);
      if (byExt != null) {
        return byExt;
      }
      if (mime.startsWith("image/")) {
        return "an image";
      }
      if (mime.startsWith("audio/")) {
        return "an audio file";
      }
      if (mime.startsWith("video/")) {
        return "a video";
      }
      if (mime.contains("zip")) {
        return "a ZIP archive";
      }
      if (mime.contains("wordprocessingml") || mime.equals("application/msword")) {
        return "a Word document";
      }
      if (mime.contains("spreadsheetml") || mime.contains("ms-excel")) {
        return "an Excel spreadsheet";
      }
      if (mime.contains("presentationml") || mime.contains("ms-powerpoint")) {
        return "a PowerPoint presentation";
      }
      if (mime.contains("opendocument")) {
        return "an OpenDocument file";
      }
      return "a file of type " + mime;
    }
  }

  /**
   * The first bytes of common binary formats, so that a PNG named {@code notes.txt} is called a
   * PNG image rather than "not valid UTF-8 text".
   */
  final class Signatures {
    private Signatures() {}

    static final String PDF = "a PDF";

    /** {@code magic} holds one byte per char, as ISO-8859-1 maps them. */
    private record Signature(int offset, String magic, String description) {
      boolean matches(byte[] head) {
        if (head.length < offset + magic.length()) {
          return false;
        }
        for (int i = 0; i < magic.length(); i++) {
          if ((head[offset + i] & 0xff) != magic.charAt(i)) {
            return false;
          }
        }
        return true;
      }
    }

    private static final Signature[] SIGNATURES = {
      new Signature(0, "%PDF-", PDF),
      new Signature(0, "PK\u0003\u0004", "a ZIP archive"),
      new Signature(0, "PK\u0005\u0006", "a ZIP archive"),
      new Signature(0, "\u001f\u008b", "a gzip archive"),
      new Signature(0, "7z\u00bc\u00af'\u001c", "a 7-Zip archive"),
      new Signature(0, "Rar!\u001a\u0007", "a RAR archive"),
      new Signature(0, "BZh", "a bzip2 archive"),
      new Signature(0, "\u00fd7zXZ\u0000", "an xz archive"),
      new Signature(0, "\u00d0\u00cf\u0011\u00e0\u00a1\u00b1\u001a\u00e1", "an old Office file"),
      new Signature(0, "\u0089PNG", "a PNG image"),
      new Signature(0, "\u00ff\u00d8\u00ff", "a JPEG image"),
      new Signature(0, "GIF8", "a GIF image"),
      new Signature(8, "WEBP", "a WebP image"),
      new Signature(8, "WAVE", "an audio file"),
      new Signature(0, "OggS", "an audio file"),
      new Signature(0, "ID3", "an audio file"),
      new Signature(0, "fLaC", "an audio file"),
      new Signature(4, "ftyp", "a video or audio file"),
      new Signature(0, "\u001aE\u00df\u00a3", "a video"),
      new Signature(0, "\u007fELF", "a program"),
      new Signature(0, "SQLite format 3\u0000", "an SQLite database"),
    };

    /** What the head says the file is, or null when it names no known binary format. */
    static @Nullable String of(byte[] head, String ext) {
      for (Signature s : SIGNATURES) {
        if (s.matches(head)) {
          // Office and e-book files are ZIP archives inside; their extension says which.
          String byExt = s.description().equals("a ZIP archive") ? byExtension(ext) : null;
          return byExt != null ? byExt : s.description();
        }
      }
      return null;
    }

    /** Names of common document formats that are not text, by extension. */
    static @Nullable String byExtension(String ext) {
      return switch (ext) {
        case "doc", "docx", "docm" -> "a Word document";
        case "xls", "xlsx", "xlsm" -> "an Excel spreadsheet";
        case "ppt", "pptx" -> "a PowerPoint presentation";
        case "odt", "ods", "odp" -> "an OpenDocument file";
        case "epub" -> "an e-book (EPUB)";
        case "pages", "numbers", "key" -> "an Apple iWork file";
        case "zip" -> "a ZIP archive";
        case "jar" -> "a Java archive";
        default -> null;
      };
    }
  }
}
