/**
 * Channels and events of the captioning experiment (issue #6), spread into the one contract
 * (contract.ts). Request schemas are strict: the renderer is untrusted.
 */
export const captioningChannels = {} as const;
export const captioningEvents = {} as const;
