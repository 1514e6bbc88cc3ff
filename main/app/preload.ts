/**
 * The only bridge between the sandboxed renderer and the app: two functions, no Node.
 * Everything that crosses is validated on the main side against the contract.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

contextBridge.exposeInMainWorld('seqlabBridge', {
  invoke: (channel: string, payload: unknown): Promise<unknown> => ipcRenderer.invoke('seqlab:invoke', channel, payload),
  onEvent: (listener: (name: string, payload: unknown) => void): (() => void) => {
    const l = (_e: IpcRendererEvent, name: string, payload: unknown): void => listener(name, payload);
    ipcRenderer.on('seqlab:event', l);
    return () => ipcRenderer.removeListener('seqlab:event', l);
  },
});
