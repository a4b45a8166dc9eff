package dev.switchboard.lifecycle;

/** What the platforms' slots tell the rest of the runtime about a platform's fortunes. */
interface PlatformEvents {
  PlatformEvents NONE = new PlatformEvents() {
    @Override
    public void failed(String platform, String why) {}

    @Override
    public void back(String platform) {}
  };

  /** The platform refused us for good (the credentials): it is tried again only now and then. */
  void failed(String platform, String why);

  /** The platform connected again after failed attempts. */
  void back(String platform);
}
