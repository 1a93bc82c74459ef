/** The `platform` label of a leg: a fixed set, so a custom destination's host never becomes a label. */
export type DestinationPlatform = 'youtube' | 'twitch' | 'facebook' | 'custom';

/** Host suffixes of the platforms' ingest servers (e.g. a.rtmp.youtube.com, live-api-s.facebook.com). */
const PLATFORM_HOSTS: ReadonlyArray<[DestinationPlatform, readonly string[]]> = [
  ['youtube', ['youtube.com']],
  ['twitch', ['twitch.tv', 'contribute.live-video.net', 'ingest.global-contribute.live-video.net']],
  ['facebook', ['facebook.com']],
];

/** The platform of a destination from its publish host name; 'custom' for any other server. */
export function platformOfHost(host: string): DestinationPlatform {
  const name = host.toLowerCase();
  for (const [platform, suffixes] of PLATFORM_HOSTS)
    if (suffixes.some((suffix) => name === suffix || name.endsWith(`.${suffix}`))) return platform;
  return 'custom';
}
