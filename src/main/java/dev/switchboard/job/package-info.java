/**
 * Scheduled jobs: when they run ({@link dev.switchboard.job.JobSchedule}, parsed from what a user
 * types and stored as its canonical text), the job scheduler and {@code /cron}.
 *
 * <p>Rule: may depend on {@code common}, {@code config}, {@code platform}, {@code store} and
 * {@code session}; only {@code lifecycle}, {@code cli} and {@code command} depend on it.
 */
package dev.switchboard.job;
