package io.vmledger.producer.sim;

import io.vmledger.schema.VmEvent;

/**
 * One simulated event and, when the event made an injected bug or is a deliberately invalid ioctl,
 * its ground-truth label.
 *
 * @param truth the label, or null for ordinary valid events
 */
public record SimEvent(VmEvent event, GroundTruth truth) {}
