/**
 * TEST ONLY. An in-process gRPC server that speaks the part of EventStoreDB's protocol the
 * eventstoredb adapter uses, built from the client's own generated service definitions, so
 * the real @eventstore/db-client talks real gRPC to it.
 *
 * Implemented: ServerFeatures/GetSupportedMethods (without batchappend, so the client uses
 * Streams/Append); Streams/Append (expected revision any | no_stream | stream_exists | a
 * revision, `wrong_expected_version` inside the reply, atomic commit at the end of the
 * request stream, and the server's idempotency rules: see `idempotent` below — event ids are
 * not unique in the store, nor even in a stream); Streams/Read on one
 * stream or on $all, forwards and backwards, with a count, a stream-name or event-type
 * filter (prefixes or regex), and catch-up subscriptions to $all (confirmation first,
 * history strictly after the start, caught_up, then live). Event ids travel as UUID
 * strings, stream names as UTF-8 bytes, 64-bit numbers as decimal strings, `created` as
 * 100-ns ticks since the Unix epoch.
 *
 * Not modelled: see docs/eventstoredb.md. Clients connect through a TCP relay in front of
 * the gRPC server so that `dropConnections()` can cut every connection like a network
 * failure would.
 */
import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import featuresGrpc from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import featuresPb from '@eventstore/db-client/generated/serverfeatures_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type { AppendReq, AppendResp, ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb.js';

export interface Emulator {
  /** The port clients connect to (the relay's). */
  readonly port: number;
  /** `esdb://127.0.0.1:PORT?tls=false` */
  readonly connectionString: string;
  stop(): Promise<void>;
  /** Cuts every open connection, and so every call and subscription in flight. */
  dropConnections(): void;
  /** Every Streams call received so far, in order: Append or Read, and the stream it named ($all for reads of it). */
  readonly calls: readonly { readonly rpc: 'append' | 'read'; readonly stream: string }[];
  /**
   * The next append (to this server-side stream, if given) is committed, then every
   * connection is cut before the reply is sent.
   */
  failNextAppendAfterCommit(stream?: string): void;
  /** The next append (to this stream, if given) is cut off after its first event arrives: nothing is committed. */
  failNextAppendBeforeCommit(stream?: string): void;
}

interface StoredEvent {
  readonly stream: string;
  readonly revision: bigint;
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
  readonly created: bigint;
  /** Commit and prepare positions are equal, as for events a 20+ server writes in one append. */
  readonly position: bigint;
}

interface Proposed {
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
}

type Expected = { kind: 'any' } | { kind: 'no_stream' } | { kind: 'stream_exists' } | { kind: 'revision'; revision: bigint };

const { ReadResp: ReadRespMsg, AppendResp: AppendRespMsg } = streamsPb;
const ExpectedCase = streamsPb.AppendReq.Options.ExpectedStreamRevisionCase;
const AllCase = streamsPb.ReadReq.Options.AllOptions.AllOptionCase;
const RevisionCase = streamsPb.ReadReq.Options.StreamOptions.RevisionOptionCase;
const BACKWARDS = streamsPb.ReadReq.Options.ReadDirection.BACKWARDS;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const utf8 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');
const empty = (): InstanceType<typeof sharedPb.Empty> => new sharedPb.Empty();

/** The log: every event in global order, and each stream's events in revision order. */
function createLog() {
  const all: StoredEvent[] = [];
  const streams = new Map<string, StoredEvent[]>();
  const listeners = new Set<() => void>();
  // Not zero: real servers put their own records first, and 0 must not look like an event.
  let nextPosition = 4096n;

  /**
   * What a real server (IndexWriter.CheckCommit) answers for a batch whose ids may be in the
   * stream already. With a revision (no_stream counts as revision -1) below the head, the events
   * right after it are compared with the batch: all the same ids is a retry, answered with the
   * original revision; a first id that differs is a conflict; a later one that differs
   * ("corrupted idempotency") is a conflict too. With any or stream_exists, the first id decides:
   * not in this stream, and the batch is written, whatever the other ids are; in it, and every
   * id must be in it too (a retry, answered with the last one's revision), else a conflict.
   * Otherwise the expected revision alone decides: an id already in the stream is written again
   * when the expected revision matches the head. The real server checks any/stream_exists
   * against a bounded cache of recent ids; this one checks the whole stream.
   */
  const idempotent = (events: readonly StoredEvent[], expected: Expected, batch: readonly Proposed[]): 'write' | 'conflict' | StoredEvent => {
    const first = batch[0];
    if (first === undefined) return 'write';
    const at = (id: string) => events.find((e) => e.id === id);
    if (expected.kind === 'any' || expected.kind === 'stream_exists') {
      if (at(first.id) === undefined) return 'write';
      const found = batch.map((p) => at(p.id));
      return found.every((e) => e !== undefined) ? found[found.length - 1]! : 'conflict';
    }
    const after = expected.kind === 'revision' ? Number(expected.revision) : -1;
    if (after >= events.length - 1) return 'write';
    const same = batch.map((p, i) => events[after + 1 + i]?.id === p.id);
    if (same.every(Boolean)) return events[after + batch.length]!;
    return 'conflict';
  };

  const append = (stream: string, expected: Expected, batch: readonly Proposed[]): AppendResp => {
    const events = streams.get(stream) ?? [];
    const head = events.length === 0 ? undefined : BigInt(events.length - 1);
    const reply = new AppendRespMsg();
    const check = idempotent(events, expected, batch);
    if (check === 'conflict') return wrongExpectedVersion(reply, expected, head);
    if (check !== 'write') return success(reply, check.revision, check.position);
    const matches =
      expected.kind === 'any' ||
      (expected.kind === 'no_stream' && head === undefined) ||
      (expected.kind === 'stream_exists' && head !== undefined) ||
      (expected.kind === 'revision' && head === expected.revision);
    if (!matches) return wrongExpectedVersion(reply, expected, head);
    if (batch.length === 0) {
      // The adapter never sends one; the emulator answers with the stream's state and no position.
      const ok = new AppendRespMsg.Success();
      if (head === undefined) ok.setNoStream(empty());
      else ok.setCurrentRevision(head.toString());
      return reply.setSuccess(ok.setNoPosition(empty()));
    }
    // 100-ns ticks since the Unix epoch, as the client reads them.
    const created = BigInt(Date.now()) * 10_000n;
    for (const p of batch) {
      const stored: StoredEvent = { ...p, stream, revision: BigInt(events.length), created, position: nextPosition };
      nextPosition += BigInt(128 + p.data.length + p.customMetadata.length);
      events.push(stored);
      all.push(stored);
    }
    streams.set(stream, events);
    for (const notify of [...listeners]) notify();
    const last = events[events.length - 1]!;
    return success(reply, last.revision, last.position);
  };

  return { all, streams, listeners, append };
}

function success(reply: AppendResp, revision: bigint, position: bigint): AppendResp {
  const pos = new AppendRespMsg.Position().setCommitPosition(position.toString()).setPreparePosition(position.toString());
  return reply.setSuccess(new AppendRespMsg.Success().setCurrentRevision(revision.toString()).setPosition(pos));
}

function wrongExpectedVersion(reply: AppendResp, expected: Expected, head: bigint | undefined): AppendResp {
  const wrong = new AppendRespMsg.WrongExpectedVersion();
  if (head === undefined) wrong.setCurrentNoStream(empty());
  else wrong.setCurrentRevision(head.toString());
  if (expected.kind === 'revision') wrong.setExpectedRevision(expected.revision.toString());
  else if (expected.kind === 'no_stream') wrong.setExpectedNoStream(empty());
  else if (expected.kind === 'stream_exists') wrong.setExpectedStreamExists(empty());
  else wrong.setExpectedAny(empty());
  return reply.setWrongExpectedVersion(wrong);
}

function expectedOf(options: AppendReq.Options): Expected {
  switch (options.getExpectedStreamRevisionCase()) {
    case ExpectedCase.REVISION:
      return { kind: 'revision', revision: BigInt(options.getRevision()) };
    case ExpectedCase.NO_STREAM:
      return { kind: 'no_stream' };
    case ExpectedCase.STREAM_EXISTS:
      return { kind: 'stream_exists' };
    default:
      return { kind: 'any' };
  }
}

function proposedOf(message: AppendReq.ProposedMessage): Proposed | string {
  const id = message.getId()?.getString() ?? '';
  if (!UUID.test(id)) return `event id "${id}" is not a UUID`;
  const metadata = message.getMetadataMap();
  const type = metadata.get('type');
  const contentType = metadata.get('content-type');
  if (type === undefined || contentType === undefined) return 'proposed message lacks type or content-type metadata';
  // Guid.ToString() on the server: lower case.
  return { id: id.toLowerCase(), type, contentType, data: message.getData_asU8(), customMetadata: message.getCustomMetadata_asU8() };
}

function recordedOf(e: StoredEvent, withCommitPosition: boolean): ReadResp {
  const recorded = new ReadRespMsg.ReadEvent.RecordedEvent()
    .setId(new sharedPb.UUID().setString(e.id))
    .setStreamIdentifier(new sharedPb.StreamIdentifier().setStreamName(Buffer.from(e.stream, 'utf8')))
    .setStreamRevision(e.revision.toString())
    .setCommitPosition(e.position.toString())
    .setPreparePosition(e.position.toString())
    .setData(e.data)
    .setCustomMetadata(e.customMetadata);
  recorded.getMetadataMap().set('type', e.type).set('content-type', e.contentType).set('created', e.created.toString());
  const read = new ReadRespMsg.ReadEvent().setEvent(recorded);
  if (withCommitPosition) read.setCommitPosition(e.position.toString());
  else read.setNoPosition(empty());
  return new ReadRespMsg().setEvent(read);
}

/** A server-side filter, as FilterOptions describe it: prefixes, else a regex, on the stream name or the type. */
function filterOf(options: ReadReq.Options): (e: StoredEvent) => boolean {
  const filter = options.getFilter();
  if (filter === undefined) return () => true;
  const onStream = filter.hasStreamIdentifier();
  const expression = onStream ? filter.getStreamIdentifier() : filter.getEventType();
  const prefixes = expression?.getPrefixList() ?? [];
  const regex = expression?.getRegex() ? new RegExp(expression.getRegex()) : undefined;
  return (e) => {
    const value = onStream ? e.stream : e.type;
    if (prefixes.length > 0) return prefixes.some((p) => value.startsWith(p));
    return regex === undefined || regex.test(value);
  };
}

type ReadCall = grpc.ServerWritableStream<ReadReq, ReadResp>;

/** Ends a streaming call with a status: grpc-js sends what is emitted as 'error'. */
const fail = (call: NodeJS.EventEmitter, code: grpc.status, details: string): void => {
  call.emit('error', { code, details });
};

/** Writes with back-pressure; false once the call is gone. */
async function send(call: ReadCall, message: ReadResp): Promise<boolean> {
  if (call.cancelled || call.destroyed) return false;
  if (call.write(message)) return true;
  return new Promise<boolean>((resolve) => {
    const done = (ok: boolean) => () => {
      call.off('drain', onDrain);
      call.off('cancelled', onGone);
      call.off('close', onGone);
      resolve(ok);
    };
    const onDrain = done(true);
    const onGone = done(false);
    call.once('drain', onDrain).once('cancelled', onGone).once('close', onGone);
  });
}

export async function startEmulator(): Promise<Emulator> {
  const log = createLog();
  // A planned failure: for the next append to this stream, or to any stream when undefined.
  type Fault = { readonly stream: string | undefined };
  let failAfterCommit: Fault | undefined;
  let failBeforeCommit: Fault | undefined;
  const strikes = (fault: Fault | undefined, options: AppendReq.Options | undefined): boolean => {
    const identifier = options?.getStreamIdentifier();
    return fault !== undefined && (fault.stream === undefined || (identifier !== undefined && utf8(identifier.getStreamName_asU8()) === fault.stream));
  };
  const sockets = new Set<net.Socket>();
  const calls: { rpc: 'append' | 'read'; stream: string }[] = [];

  const dropConnections = (): void => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };

  const appendHandler = (call: grpc.ServerReadableStream<AppendReq, AppendResp>, callback: grpc.sendUnaryData<AppendResp>): void => {
    let options: AppendReq.Options | undefined;
    const batch: Proposed[] = [];
    let refusal: string | undefined;
    let cutOff = false;
    call.on('data', (req: AppendReq) => {
      if (req.hasOptions()) options = req.getOptions();
      const message = req.getProposedMessage();
      if (message === undefined || cutOff) return;
      const proposed = proposedOf(message);
      if (typeof proposed === 'string') refusal ??= proposed;
      else batch.push(proposed);
      if (strikes(failBeforeCommit, options)) {
        failBeforeCommit = undefined;
        cutOff = true; // whatever is already buffered behind this message must not commit either
        dropConnections();
      }
    });
    call.on('error', () => undefined);
    call.on('end', () => {
      const identifier = options?.getStreamIdentifier();
      calls.push({ rpc: 'append', stream: identifier === undefined ? '' : utf8(identifier.getStreamName_asU8()) });
      if (call.cancelled || cutOff) return;
      if (options === undefined || identifier === undefined) refusal ??= 'the first message must carry the options';
      if (refusal !== undefined) return callback({ code: grpc.status.INVALID_ARGUMENT, details: refusal });
      const reply = log.append(utf8(identifier!.getStreamName_asU8()), expectedOf(options!), batch);
      if (strikes(failAfterCommit, options) && reply.hasSuccess()) {
        failAfterCommit = undefined;
        return dropConnections();
      }
      callback(null, reply);
    });
  };

  const readStream = async (call: ReadCall, options: ReadReq.Options, count: number): Promise<void> => {
    const streamOptions = options.getStream()!;
    const name = utf8(streamOptions.getStreamIdentifier()!.getStreamName_asU8());
    const events = log.streams.get(name);
    if (events === undefined) {
      const notFound = new ReadRespMsg.StreamNotFound().setStreamIdentifier(streamOptions.getStreamIdentifier());
      await send(call, new ReadRespMsg().setStreamNotFound(notFound));
      return;
    }
    const backwards = options.getReadDirection() === BACKWARDS;
    const from =
      streamOptions.getRevisionOptionCase() === RevisionCase.REVISION
        ? Number(BigInt(streamOptions.getRevision()))
        : streamOptions.getRevisionOptionCase() === RevisionCase.END
          ? events.length - 1
          : backwards
            ? events.length - 1
            : 0;
    const keep = filterOf(options);
    let sent = 0;
    for (let i = from; sent < count && i >= 0 && i < events.length; i += backwards ? -1 : 1) {
      const e = events[i]!;
      if (!keep(e)) continue;
      if (!(await send(call, recordedOf(e, false)))) return;
      sent += 1;
    }
  };

  /** Index of the first event of $all at or after (inclusive) or strictly after a position. */
  const indexFrom = (options: ReadReq.Options.AllOptions, inclusive: boolean): number => {
    const kind = options.getAllOptionCase();
    if (kind === AllCase.END) return log.all.length;
    if (kind !== AllCase.POSITION) return 0;
    const position = BigInt(options.getPosition()!.getCommitPosition());
    const i = log.all.findIndex((e) => (inclusive ? e.position >= position : e.position > position));
    return i < 0 ? log.all.length : i;
  };

  const readAll = async (call: ReadCall, options: ReadReq.Options, count: number): Promise<void> => {
    const keep = filterOf(options);
    const allOptions = options.getAll()!;
    const backwards = options.getReadDirection() === BACKWARDS;
    // Forwards reads include their position; backwards reads return what lies strictly before it.
    const start = backwards
      ? allOptions.getAllOptionCase() === AllCase.POSITION
        ? indexFrom(allOptions, true) - 1
        : log.all.length - 1
      : indexFrom(allOptions, true);
    let sent = 0;
    for (let i = start; sent < count && i >= 0 && i < log.all.length; i += backwards ? -1 : 1) {
      const e = log.all[i]!;
      if (!keep(e)) continue;
      if (!(await send(call, recordedOf(e, true)))) return;
      sent += 1;
    }
  };

  /** History strictly after the start, then live events, one cursor over the log: no gap, no repeat. */
  const subscribeToAll = async (call: ReadCall, options: ReadReq.Options): Promise<void> => {
    const keep = filterOf(options);
    const confirmation = new ReadRespMsg.SubscriptionConfirmation().setSubscriptionId(`emulator-${Math.random().toString(36).slice(2)}`);
    if (!(await send(call, new ReadRespMsg().setConfirmation(confirmation)))) return;
    let next = indexFrom(options.getAll()!, false);
    let caughtUp = false;
    while (!call.cancelled && !call.destroyed) {
      while (next < log.all.length) {
        const e = log.all[next]!;
        next += 1;
        if (keep(e) && !(await send(call, recordedOf(e, true)))) return;
      }
      if (!caughtUp) {
        caughtUp = true;
        if (!(await send(call, new ReadRespMsg().setCaughtUp(new ReadRespMsg.CaughtUp())))) return;
      }
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          log.listeners.delete(wake);
          call.off('cancelled', wake);
          call.off('close', wake);
          resolve();
        };
        log.listeners.add(wake);
        call.once('cancelled', wake).once('close', wake);
      });
    }
  };

  const readHandler = (call: ReadCall): void => {
    call.on('error', () => undefined);
    const options = call.request.getOptions();
    const named = options?.getStream()?.getStreamIdentifier();
    calls.push({ rpc: 'read', stream: named === undefined ? '$all' : utf8(named.getStreamName_asU8()) });
    const run = async (): Promise<void> => {
      if (options === undefined) return fail(call, grpc.status.INVALID_ARGUMENT, 'no options');
      if (options.hasSubscription()) {
        if (!options.hasAll()) return fail(call, grpc.status.UNIMPLEMENTED, 'the emulator subscribes to $all only');
        await subscribeToAll(call, options);
      } else {
        const count = options.hasCount() ? Number(BigInt(options.getCount())) : Number.MAX_SAFE_INTEGER;
        if (options.hasStream()) await readStream(call, options, count);
        else await readAll(call, options, count);
      }
      if (!call.cancelled && !call.destroyed) call.end();
    };
    void run();
  };

  const server = new grpc.Server();
  server.addService(streamsGrpc.StreamsService, {
    read: readHandler,
    append: appendHandler,
    delete: (_call: unknown, callback: grpc.sendUnaryData<never>) => callback({ code: grpc.status.UNIMPLEMENTED }),
    tombstone: (_call: unknown, callback: grpc.sendUnaryData<never>) => callback({ code: grpc.status.UNIMPLEMENTED }),
    batchAppend: (call: grpc.ServerDuplexStream<unknown, unknown>) => fail(call, grpc.status.UNIMPLEMENTED, 'not advertised'),
  });
  server.addService(featuresGrpc.ServerFeaturesService, {
    getSupportedMethods: (_call: unknown, callback: grpc.sendUnaryData<InstanceType<typeof featuresPb.SupportedMethods>>) => {
      const method = (name: string) =>
        new featuresPb.SupportedMethod().setServiceName('event_store.client.streams.streams').setMethodName(name);
      callback(null, new featuresPb.SupportedMethods().setMethodsList([method('read'), method('append')]).setEventStoreServerVersion('0.0.0-emulator'));
    },
  });
  const grpcPort = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))),
  );

  // The relay: each client connection is piped to the gRPC server, and can be cut from here.
  const relay = net.createServer((client) => {
    const upstream = net.connect(grpcPort, '127.0.0.1');
    const pair = [client, upstream];
    for (const socket of pair) {
      socket.setNoDelay(true); // as gRPC's own sockets: Nagle would hold back the small frames of an append
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        for (const other of pair) other.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  const port = await new Promise<number>((resolve) => relay.listen(0, '127.0.0.1', () => resolve((relay.address() as net.AddressInfo).port)));

  return {
    port,
    connectionString: `esdb://127.0.0.1:${port}?tls=false`,
    dropConnections,
    calls,
    failNextAppendAfterCommit: (stream) => {
      failAfterCommit = { stream };
    },
    failNextAppendBeforeCommit: (stream) => {
      failBeforeCommit = { stream };
    },
    stop: async () => {
      dropConnections();
      await new Promise<void>((resolve) => relay.close(() => resolve()));
      server.forceShutdown();
    },
  };
}
