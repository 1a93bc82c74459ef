/**
 * Thrown by the media probes for a sequence header they cannot read. `rule` names the syntax element or
 * constraint that failed with its source (e.g. "ISO/IEC 14496-15 5.2.4.1 numOfSequenceParameterSets");
 * `message` is `rule: detail`.
 */
export class ProbeError extends Error {
  override readonly name = 'ProbeError';

  constructor(
    readonly rule: string,
    detail: string,
  ) {
    super(`${rule}: ${detail}`);
  }
}
