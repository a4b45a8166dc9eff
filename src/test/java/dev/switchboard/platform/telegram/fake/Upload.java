package dev.switchboard.platform.telegram.fake;

/**
 * A file part of a multipart/form-data request, as the fake read it.
 *
 * @param field the part's name ("photo", "document")
 * @param fileName the filename of its Content-Disposition
 * @param contentType its Content-Type header, null when it had none
 * @param content its bytes
 */
public record Upload(String field, String fileName, String contentType, byte[] content) {
  public int size() {
    return content.length;
  }
}
