package dev.switchboard.testing;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Lets a long fuzzing run override the tries and seed written on the {@code *FuzzTest}
 * properties: {@code -Dswitchboard.fuzz.tries=100000} runs every property that many times,
 * {@code -Dswitchboard.fuzz.seed=42} replays one run. Put on a class with
 * {@code @AddLifecycleHook(FuzzTries.class)}.
 */
public final class FuzzTries implements AroundPropertyHook {
  public static final String TRIES = "switchboard.fuzz.tries";
  public static final String SEED = "switchboard.fuzz.seed";

  @Override
  public PropertyExecutionResult aroundProperty(
      PropertyLifecycleContext context, PropertyExecutor property) {
    String tries = System.getProperty(TRIES);
    if (tries != null && !tries.isBlank()) {
      context.attributes().setTries(Integer.parseInt(tries.strip()));
    }
    String seed = System.getProperty(SEED);
    if (seed != null && !seed.isBlank()) {
      context.attributes().setSeed(seed.strip());
    }
    return property.execute();
  }

  @Override
  public PropagationMode propagateTo() {
    return PropagationMode.ALL_DESCENDANTS; // from the class to each of its properties
  }

  @Override
  public int aroundPropertyProximity() {
    return -100; // outside jqwik's own hooks, before the tries are read
  }
}
