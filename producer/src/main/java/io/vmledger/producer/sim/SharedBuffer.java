package io.vmledger.producer.sim;

/**
 * A client's buffer handed to the compositor as a dma-buf (a Wayland {@code wl_buffer} from {@code
 * zwp_linux_dmabuf}): the application exported BO {@code bo} as {@code dmabuf}; the compositor
 * imports it into its GPU context to composite from it.
 *
 * @param size bytes of the BO, what the compositor maps
 */
record SharedBuffer(long bo, long dmabuf, long size) {}
