package dev.switchboard.lifecycle;

/** What the platforms' slots tell the rest of the runtime about a platform's fortunes. */
interface PlatformEvents {
  PlatformEvents NONE = new PlatformEvents() {
    @Override
    public void failed(String platform, String why) {}

    @Override
    public void back(String platform) {}

    @Override
    public void operatorNotice(String platform, String text) {}
  };

  /** The platform refused us for good (the credentials): it is tried again only now and then. */
  void failed(String platform, String why);

  /** The platform connected again after failed attempts. */
  void back(String platform);

  /** The platform's adapter has something for the operator ({@code tellOperator}). */
  void operatorNotice(String platform, String text);
}
