// Shapes of tailscaled's LocalAPI answers (lenient zod schemas) and the typed results the mesh layer works with.
import { z } from 'zod';

// Objects use zod's default mode, which drops unknown keys. That is the "ignore unknown fields" /localapi/v0
// needs (it is "not necessarily stable"), and it is also how the numeric ID / User / UserID fields are kept
// out: JSON.parse has already rounded them past 2^53, so they are never declared and never reach a result.
// Identity is keyed on StableID and LoginName only.

/** Go encodes nil slices as null and omits `omitempty` ones: both mean "none". */
const stringList = z
  .array(z.string())
  .nullish()
  .transform((v) => v ?? []);

/** Go's zero time, which status uses for "never". */
const ZERO_TIME = '0001-01-01T00:00:00Z';

const stripTrailingDot = (name: string): string => name.replace(/\.$/, '');

/** A node as whois describes it. */
export interface WhoisNode {
  stableId: string;
  /** MagicDNS FQDN exactly as tailscaled gives it, trailing dot included. */
  name: string;
  hostName?: string;
  os?: string;
  /** Non-empty for tagged nodes (servers), which belong to no person. */
  tags: string[];
  /** Tailnet IPs without their /32 or /128. */
  addresses: string[];
  online?: boolean;
}

export interface WhoisResult {
  node: WhoisNode;
  /** For tagged nodes this is the placeholder `tagged-devices` profile, not a person. */
  user: { loginName: string; displayName: string; profilePicUrl?: string };
  /** App capabilities granted to the caller, by capability name; empty when the daemon says null. */
  capMap: Record<string, unknown[]>;
}

export const whoisSchema = z
  .object({
    Node: z.object({
      StableID: z.string().min(1),
      Name: z.string().default(''),
      Addresses: stringList,
      Tags: stringList,
      Hostinfo: z.object({ OS: z.string().optional(), Hostname: z.string().optional() }).nullish(),
      Online: z.boolean().nullish(),
    }),
    UserProfile: z.object({
      LoginName: z.string().min(1),
      DisplayName: z.string().default(''),
      ProfilePicURL: z.string().optional(),
    }),
    // Values are raw JSON from policy grants: their shape is the policy author's, not ours to judge here.
    CapMap: z
      .record(
        z.string(),
        z
          .array(z.unknown())
          .nullish()
          .transform((v) => v ?? []),
      )
      .nullish(),
  })
  .transform(
    ({ Node, UserProfile, CapMap }): WhoisResult => ({
      node: {
        stableId: Node.StableID,
        name: Node.Name,
        hostName: Node.Hostinfo?.Hostname || undefined,
        os: Node.Hostinfo?.OS || undefined,
        tags: Node.Tags,
        addresses: Node.Addresses.map((prefix) => prefix.replace(/\/\d+$/, '')),
        online: Node.Online ?? undefined,
      },
      user: {
        loginName: UserProfile.LoginName,
        displayName: UserProfile.DisplayName,
        profilePicUrl: UserProfile.ProfilePicURL || undefined,
      },
      capMap: CapMap ?? {},
    }),
  );

/** A peer (or this node) as status describes it. */
export interface PeerStatus {
  stableId: string;
  /** The machine's own OS hostname. */
  hostName: string;
  /** MagicDNS FQDN without the trailing dot. */
  dnsName: string;
  os: string;
  tailscaleIps: string[];
  tags: string[];
  online: boolean;
  /** ISO time, or null for never. */
  lastSeen: string | null;
}

const peerStatusSchema = z
  .object({
    // In status, `ID` is the StableID string (unlike whois, where ID is the numeric one).
    ID: z.string().default(''),
    HostName: z.string().default(''),
    DNSName: z.string().default(''),
    OS: z.string().default(''),
    TailscaleIPs: stringList,
    Tags: stringList,
    Online: z.boolean().default(false),
    LastSeen: z.string().optional(),
  })
  .transform(
    (p): PeerStatus => ({
      stableId: p.ID,
      hostName: p.HostName,
      dnsName: stripTrailingDot(p.DNSName),
      os: p.OS,
      tailscaleIps: p.TailscaleIPs,
      tags: p.Tags,
      online: p.Online,
      lastSeen: !p.LastSeen || p.LastSeen === ZERO_TIME ? null : p.LastSeen,
    }),
  );

export interface StatusResult {
  /** The daemon's version from the body (the Tailscale-Version header says the same). */
  version: string;
  /** "Running" once joined; "NeedsLogin", "Stopped", "Starting", ... otherwise. */
  backendState: string;
  tailscaleIps: string[];
  self: PeerStatus | null;
  /** Health warnings, empty when healthy. */
  health: string[];
  magicDnsSuffix: string;
  currentTailnet: { name: string; magicDnsSuffix: string; magicDnsEnabled: boolean } | null;
  /** Empty when asked with peers: false. */
  peers: PeerStatus[];
}

export const statusSchema = z
  .object({
    Version: z.string().default(''),
    BackendState: z.string().min(1),
    TailscaleIPs: stringList,
    Self: peerStatusSchema.nullish(),
    Health: stringList,
    MagicDNSSuffix: z.string().default(''),
    CurrentTailnet: z
      .object({ Name: z.string().default(''), MagicDNSSuffix: z.string().default(''), MagicDNSEnabled: z.boolean().default(false) })
      .nullish(),
    // Keyed by "nodekey:..."; the key is transport detail, the StableID inside is what we key on.
    Peer: z.record(z.string(), peerStatusSchema).nullish(),
  })
  .transform(
    (s): StatusResult => ({
      version: s.Version,
      backendState: s.BackendState,
      tailscaleIps: s.TailscaleIPs,
      self: s.Self ?? null,
      health: s.Health,
      magicDnsSuffix: s.MagicDNSSuffix,
      currentTailnet: s.CurrentTailnet
        ? { name: s.CurrentTailnet.Name, magicDnsSuffix: s.CurrentTailnet.MagicDNSSuffix, magicDnsEnabled: s.CurrentTailnet.MagicDNSEnabled }
        : null,
      peers: Object.values(s.Peer ?? {}),
    }),
  );

/** The node a mesh identity came from, trimmed for display, logs and policy. */
export interface IdentityNode {
  stableId: string;
  /** MagicDNS FQDN without the trailing dot. */
  name: string;
  os?: string;
  tags: string[];
}

/** A person on their own device. */
export interface PersonIdentity {
  kind: 'person';
  login: string;
  displayName: string;
  node: IdentityNode;
  /** CapMap[capabilityName], or [] when not granted. */
  caps: unknown[];
}

/** A tagged node (a server, CI runner...): it acts as its tags, not as any person. */
export interface TaggedDeviceIdentity {
  kind: 'tagged-device';
  tags: string[];
  node: IdentityNode;
  caps: unknown[];
}

export type MeshIdentity = PersonIdentity | TaggedDeviceIdentity;
