/**
 * The renderer's only way to the engine: an object typed by the IPC contract. In the
 * desktop app it wraps the preload bridge; in browser mode it speaks the same contract
 * over a WebSocket to the local host, with the per-launch token from the address.
 */
import type { Channel, Envelope, EventName, EventPayload, Req, Res, SeqlabApi } from '../../shared/ipc/contract';

export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(code);
  }
}

type AnyListener = (name: EventName, payload: unknown) => void;

interface Bridge {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  onEvent(listener: (name: string, payload: unknown) => void): () => void;
}

function unwrap<T>(env: Envelope<T>): T {
  if (env.ok) return env.result;
  throw new ApiError(env.error.code, env.error.params ?? {});
}

function electronApi(bridge: Bridge): SeqlabApi {
  return {
    async invoke<C extends Channel>(channel: C, request: Req<C>): Promise<Res<C>> {
      return unwrap((await bridge.invoke(channel, request)) as Envelope<Res<C>>);
    },
    onEvent(listener) {
      return bridge.onEvent((name, payload) => (listener as AnyListener)(name as EventName, payload));
    },
  };
}

function browserToken(): string {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem('seqlab-token', fromUrl);
    // Keep the token out of the address bar (and out of screenshots and history).
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.toString());
    return fromUrl;
  }
  return sessionStorage.getItem('seqlab-token') ?? '';
}

function websocketApi(): SeqlabApi {
  const token = browserToken();
  const listeners = new Set<AnyListener>();
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let opening: Promise<WebSocket> | null = null;

  const open = (): Promise<WebSocket> => {
    if (socket && socket.readyState === WebSocket.OPEN) return Promise.resolve(socket);
    if (opening) return opening;
    opening = new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(`ws://${window.location.host}/ipc?token=${encodeURIComponent(token)}`);
      ws.onopen = () => {
        socket = ws;
        opening = null;
        resolve(ws);
      };
      ws.onerror = () => {
        opening = null;
        reject(new ApiError('E_CONNECTION'));
      };
      ws.onclose = () => {
        socket = null;
        for (const p of pending.values()) p.reject(new ApiError('E_CONNECTION'));
        pending.clear();
      };
      ws.onmessage = (ev) => {
        const msg = JSON.parse(String(ev.data)) as { id?: number | null; envelope?: Envelope<unknown>; event?: EventName; payload?: unknown };
        if (msg.event) {
          for (const l of listeners) l(msg.event, msg.payload);
          return;
        }
        if (typeof msg.id === 'number' && msg.envelope) {
          const p = pending.get(msg.id);
          if (!p) return;
          pending.delete(msg.id);
          try {
            p.resolve(unwrap(msg.envelope));
          } catch (e) {
            p.reject(e);
          }
        }
      };
    });
    return opening;
  };

  return {
    async invoke<C extends Channel>(channel: C, request: Req<C>): Promise<Res<C>> {
      const ws = await open();
      const id = nextId++;
      return new Promise<Res<C>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        ws.send(JSON.stringify({ id, channel, payload: request }));
      });
    },
    onEvent(listener) {
      const l = listener as AnyListener;
      listeners.add(l);
      void open().catch(() => undefined);
      return () => listeners.delete(l);
    },
  };
}

declare global {
  interface Window {
    seqlabBridge?: Bridge;
  }
}

export const api: SeqlabApi = window.seqlabBridge ? electronApi(window.seqlabBridge) : websocketApi();

export type { EventName, EventPayload };
