/**
 * Channels and events of the pretrain experiment (issue #6), spread into the one contract
 * (contract.ts). Request schemas are strict: the renderer is untrusted.
 */
export const pretrainChannels = {} as const;
export const pretrainEvents = {} as const;
