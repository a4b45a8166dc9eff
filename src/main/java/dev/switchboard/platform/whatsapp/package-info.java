/**
 * WhatsApp: {@link dev.switchboard.platform.whatsapp.WhatsAppAdapter} over Meta's WhatsApp Cloud
 * API (the Graph API), receiving by signed webhook and replying in WhatsApp's own formatting.
 *
 * <p>Rule: sees only the platform SPI and the shared basics.
 */
package dev.switchboard.platform.whatsapp;
