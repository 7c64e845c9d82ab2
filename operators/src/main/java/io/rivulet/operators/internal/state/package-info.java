/**
 * Internal to Rivulet: the off-heap open-addressing state table. Public only so the engine's modules can share it; not part of the API, and it may
 * change in any release. Applications use {@code io.rivulet.engine} and the record types of
 * {@code io.rivulet.ringbuffer}.
 */
package io.rivulet.operators.internal.state;
