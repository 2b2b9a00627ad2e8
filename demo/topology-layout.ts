/**
 * Where a topology (services calling services) is drawn, in CSS px of a scene `width × height`:
 * the clients at the top, then one row per tier — the entry services first (side by side when
 * a scenario has several), each callee one tier below its first caller, services of a tier side by side — each service a group of server boxes
 * under its name, each box holding its concurrency slots with its queue as a strip of waiting
 * places just above it. Edges run from the bottom of the caller's group to the top of the
 * callee's. Pure geometry: no pixi, no DOM, unit-tested in Node.
 */
import { MAX_SLOTS_DRAWN, slotGrid, type SlotLayout } from './slots.js';

export interface TopologyLayoutInput {
  width: number;
  height: number;
  /** Per service: its name and the concurrency of each of its servers (in pool order). */
  services: readonly { name: string; concurrency: ArrayLike<number> }[];
  /** The entry services (the clients' edges go to these; the first is the main one). */
  entries: readonly number[];
  /** Edges between services, caller → callee (the clients' edges to the entries are implied). */
  edges: readonly { from: number; to: number }[];
}

export interface TopologyLayout extends SlotLayout {
  readonly width: number;
  readonly height: number;
  /** Servers drawn (all services' together, in pool order). */
  readonly servers: number;
  /** Tier of each service (0: the entries), and the tiers' count. */
  readonly tier: Int32Array;
  readonly tiers: number;
  /** Each service's group: left, right, the y of its name line, and its centre x. */
  readonly groupX0: Float32Array;
  readonly groupX1: Float32Array;
  readonly labelY: Float32Array;
  readonly groupCX: Float32Array;
  /** Where edges leave a group (below its boxes) and reach it (above its queue strip). */
  readonly portOutY: Float32Array;
  readonly portInY: Float32Array;
  /** The clients (requests come from here and answers go back here). */
  readonly clientX: number;
  readonly clientY: number;
  /** Server boxes: top-left corner and size; boxW is per server (tiers differ). */
  readonly boxX: Float32Array;
  readonly boxY: Float32Array;
  readonly boxW: Float32Array;
  readonly boxH: number;
  /** Queue strip above each box: its centre line, and how many places fit (more pile on the last). */
  readonly queueY: Float32Array;
  readonly queuePlaces: Int32Array;
  readonly dotR: number;
  readonly fontSize: number;
}

const PAD = 8;
const CLIENT_H = 22;
const GROUP_GAP = 14;
const BOX_GAP = 4;

/**
 * Tier of each service: breadth-first over the edges from every entry that no service calls, all
 * at once (an entry another service also calls goes below its caller; when every entry is called,
 * from the first); unreachable ones last.
 */
export function tiersOf(n: number, entries: readonly number[], edges: readonly { from: number; to: number }[]): Int32Array {
  const tier = new Int32Array(n).fill(-1);
  const queue = entries.filter((s, k) => entries.indexOf(s) === k && !edges.some((e) => e.to === s));
  if (queue.length === 0 && entries.length > 0) queue.push(entries[0]);
  for (const s of queue) tier[s] = 0;
  for (let k = 0; k < queue.length; k++) {
    const s = queue[k];
    for (const e of edges) {
      if (e.from === s && tier[e.to] < 0) {
        tier[e.to] = tier[s] + 1;
        queue.push(e.to);
      }
    }
  }
  let max = 0;
  for (let s = 0; s < n; s++) max = Math.max(max, tier[s]);
  for (let s = 0; s < n; s++) if (tier[s] < 0) tier[s] = max + 1;
  return tier;
}

/** Least scene height at which every tier keeps its name line, queue strip and readable boxes. */
export function minTopologyHeight(tiers: number): number {
  return Math.min(560, Math.max(190, CLIENT_H + PAD * 2 + tiers * 84));
}

export function computeTopologyLayout(input: TopologyLayoutInput): TopologyLayout {
  const width = Math.max(200, input.width), height = Math.max(160, input.height);
  const n = input.services.length;
  const tier = tiersOf(n, input.entries, input.edges);
  let tiers = 0;
  for (let s = 0; s < n; s++) tiers = Math.max(tiers, tier[s] + 1);
  const counts = input.services.map((svc) => svc.concurrency.length);
  const servers = counts.reduce((a, b) => a + b, 0);
  const top = PAD + CLIENT_H;
  const bandH = (height - top - PAD) / tiers;
  const fontSize = bandH >= 70 ? 12 : 11;
  const labelH = fontSize + 5;
  // Room between tiers for the edges (and their breaker marks): a third of a band, 14–40 px.
  const edgeRoom = Math.min(40, Math.max(14, bandH * 0.3));
  const dotR = Math.min(4.5, Math.max(2.2, Math.min(bandH / 26, width / 140)));
  const queueH = dotR * 2 + 4;
  const boxH = Math.max(12, Math.min(70, bandH - labelH - queueH - edgeRoom));

  const groupX0 = new Float32Array(n), groupX1 = new Float32Array(n), groupCX = new Float32Array(n), labelY = new Float32Array(n);
  const portInY = new Float32Array(n), portOutY = new Float32Array(n);
  const boxX = new Float32Array(servers), boxY = new Float32Array(servers), boxW = new Float32Array(servers);
  const queueY = new Float32Array(servers), queuePlaces = new Int32Array(servers);
  const firstServer = new Int32Array(n);
  for (let s = 1; s < n; s++) firstServer[s] = firstServer[s - 1] + counts[s - 1];

  for (let k = 0; k < tiers; k++) {
    const members: number[] = [];
    for (let s = 0; s < n; s++) if (tier[s] === k) members.push(s);
    const y0 = top + k * bandH + (k === 0 ? 0 : edgeRoom * 0.5);
    const inner = width - PAD * 2 - GROUP_GAP * (members.length - 1);
    const total = members.reduce((a, s) => a + Math.max(1, counts[s]), 0);
    let x = PAD;
    for (const s of members) {
      const w = (inner * Math.max(1, counts[s])) / total;
      groupX0[s] = x;
      groupX1[s] = x + w;
      groupCX[s] = x + w / 2;
      labelY[s] = y0 + labelH / 2;
      portInY[s] = y0;
      const by = y0 + labelH + queueH;
      portOutY[s] = by + boxH + 2;
      const m = Math.max(1, counts[s]);
      const bw = Math.min(150, (w - BOX_GAP * (m - 1)) / m);
      const x0 = x + (w - (bw * m + BOX_GAP * (m - 1))) / 2;
      for (let i = 0; i < counts[s]; i++) {
        const g = firstServer[s] + i;
        boxX[g] = x0 + i * (bw + BOX_GAP);
        boxY[g] = by;
        boxW[g] = bw;
        queueY[g] = by - queueH / 2 - 1;
        queuePlaces[g] = Math.max(1, Math.floor((bw - 2) / (dotR * 2.4)));
      }
      x += w + GROUP_GAP;
    }
  }

  // Slots: a grid in the box, as square as the box allows.
  const slotsDrawn = new Int32Array(servers), slotBase = new Int32Array(servers);
  let totalSlots = 0, g = 0;
  for (const svc of input.services) {
    for (let i = 0; i < svc.concurrency.length; i++, g++) {
      slotsDrawn[g] = Math.max(1, Math.min(MAX_SLOTS_DRAWN, svc.concurrency[i] | 0));
      slotBase[g] = totalSlots;
      totalSlots += slotsDrawn[g];
    }
  }
  let slotSize = 14;
  const grids = Array.from({ length: servers }, (_, s) => slotGrid(slotsDrawn[s], boxW[s] - 6, boxH - 6));
  for (let s = 0; s < servers; s++) slotSize = Math.min(slotSize, (boxW[s] - 6) / grids[s].cols - 1.5, (boxH - 6) / grids[s].rows - 1.5);
  slotSize = Math.max(2, slotSize);
  const cell = slotSize + 1.5;
  const slotX = new Float32Array(totalSlots), slotY = new Float32Array(totalSlots);
  for (let s = 0; s < servers; s++) {
    const { cols, rows } = grids[s];
    const left = boxX[s] + (boxW[s] - cols * cell) / 2 + cell / 2, topY = boxY[s] + (boxH - rows * cell) / 2 + cell / 2;
    for (let i = 0; i < slotsDrawn[s]; i++) {
      slotX[slotBase[s] + i] = left + (i % cols) * cell;
      slotY[slotBase[s] + i] = topY + Math.floor(i / cols) * cell;
    }
  }

  // The clients above the middle of the entries' groups.
  let clientX = 0;
  for (const s of input.entries) clientX += groupCX[s] / input.entries.length;
  return {
    width, height, servers, tier, tiers, groupX0, groupX1, labelY, groupCX, portOutY, portInY,
    clientX, clientY: PAD + CLIENT_H * 0.4,
    boxX, boxY, boxW, boxH, queueY, queuePlaces, dotR,
    slotBase, slotsDrawn, slotX, slotY, slotSize, fontSize,
  };
}

/** `L` moved by (dx, dy) inside a scene `width × height` (a workflow's statechart takes the rest). */
export function shiftTopologyLayout(L: TopologyLayout, dx: number, dy: number, width: number, height: number): TopologyLayout {
  const add = (a: Float32Array, d: number) => a.map((v) => v + d);
  return {
    ...L, width, height,
    groupX0: add(L.groupX0, dx), groupX1: add(L.groupX1, dx), groupCX: add(L.groupCX, dx), labelY: add(L.labelY, dy),
    portOutY: add(L.portOutY, dy), portInY: add(L.portInY, dy), clientX: L.clientX + dx, clientY: L.clientY + dy,
    boxX: add(L.boxX, dx), boxY: add(L.boxY, dy), queueY: add(L.queueY, dy), slotX: add(L.slotX, dx), slotY: add(L.slotY, dy),
  };
}

/** x of waiting place k (0 = the place nearest the box's left edge) above server s. */
export function topologyQueueX(L: TopologyLayout, s: number, k: number): number {
  return L.boxX[s] + L.dotR * 1.2 + 1 + Math.min(k, L.queuePlaces[s] - 1) * L.dotR * 2.4;
}
