/**
 * Channels and events of the video experiment (issue #6), spread into the one contract
 * (contract.ts). Request schemas are strict: the renderer is untrusted.
 */
export const videoChannels = {} as const;
export const videoEvents = {} as const;
