/**
 * The shapes of names and values matterops checks in more than one place, each written once:
 * verbs' schemas, durations, state documents and the secret masking read them from here.
 */

/** A DNS-1123 label without anchors: Kubernetes names of namespaces, installations, ConfigMaps. */
export const dnsLabelSource = '[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?';
export const dnsLabel = new RegExp(`^${dnsLabelSource}$`);

/** A DNS name of at least two labels, like chat.example.com (an ingress host). */
export const dnsName = new RegExp(`^(?=.{1,253}$)${dnsLabelSource}(\\.${dnsLabelSource})+$`);

/** An exact Mattermost version, like 11.1.0 or 11.1.0-rc1: never a mutable tag. */
export const semver = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

/** A duration: days, hours, minutes, seconds, each optional, in that order (`90s`, `1h30m`, `2d`). */
export const duration = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** An environment variable name. */
export const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;
