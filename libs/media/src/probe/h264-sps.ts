import { BitReader, unescapeRbsp } from './bit-reader';
import { ProbeError } from './probe-error';

/** nal_unit_type of a sequence parameter set (ITU-T H.264 Table 7-1). */
const NAL_UNIT_TYPE_SPS = 7;
/** aspect_ratio_idc value that is followed by an explicit sar_width/sar_height (Table E-1). */
const EXTENDED_SAR = 255;
/** Largest picture width/height in macroblocks a level allows is 1055 (sqrt(8 * MaxFS 139264), A.3.1). */
const MAX_DIMENSION_IN_MBS = 1055;
/** profile_idc values whose SPS carries chroma_format_idc, bit depths and scaling lists (7.3.2.1.1). */
const HIGH_PROFILE_IDCS = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

/** Chroma subsampling named by chroma_format_idc (ITU-T H.264 Table 6-1). */
export type ChromaFormat = '4:0:0' | '4:2:0' | '4:2:2' | '4:4:4';
const CHROMA_FORMATS: readonly ChromaFormat[] = ['4:0:0', '4:2:0', '4:2:2', '4:4:4'];

/**
 * What the relay reads from an H.264 sequence parameter set (ITU-T H.264 7.3.2.1.1, 7.4.2.1.1).
 *
 * - `width`, `height`: the displayed size in pixels, frame cropping applied.
 * - `frameRate`: frames per second from the VUI timing info, time_scale / (2 * num_units_in_tick)
 *   (E.2.1); null when the SPS carries no timing info.
 * - `bitDepth`: luma bit depth (8 unless a high profile says otherwise).
 */
export interface H264SpsInfo {
  profileIdc: number;
  /** The byte holding constraint_set0_flag (0x80) to constraint_set5_flag (0x04) and 2 reserved bits. */
  constraintFlags: number;
  levelIdc: number;
  chromaFormat: ChromaFormat;
  bitDepth: number;
  width: number;
  height: number;
  frameRate: number | null;
}

/**
 * Parses a sequence parameter set NAL unit (with its one-byte NAL header, emulation prevention bytes
 * still in) far enough for the picture size and the VUI timing info (ITU-T H.264 7.3.2.1.1, E.1.1).
 * Scaling lists are read and discarded (7.3.2.1.1.1).
 *
 * @throws ProbeError when the NAL is not an SPS, is truncated, or holds values outside the spec's ranges.
 */
export function parseH264Sps(nal: Buffer): H264SpsInfo {
  const r = new BitReader(unescapeRbsp(nal), 'H.264 7.3.2.1.1');
  if (r.u(1, 'forbidden_zero_bit') !== 0) throw new ProbeError('H.264 7.4.1 forbidden_zero_bit', 'is 1');
  r.skip(2, 'nal_ref_idc');
  const nalUnitType = r.u(5, 'nal_unit_type');
  if (nalUnitType !== NAL_UNIT_TYPE_SPS) {
    throw new ProbeError('H.264 7.4.1 nal_unit_type', `${nalUnitType} is not 7 (SPS)`);
  }
  const profileIdc = r.u(8, 'profile_idc');
  const constraintByte = r.u(8, 'constraint_set_flags');
  const levelIdc = r.u(8, 'level_idc');
  r.ueMax('seq_parameter_set_id', 31);

  let chromaFormatIdc = 1;
  let separateColourPlane = false;
  let bitDepth = 8;
  if (HIGH_PROFILE_IDCS.has(profileIdc)) {
    chromaFormatIdc = r.ueMax('chroma_format_idc', 3);
    if (chromaFormatIdc === 3) separateColourPlane = r.flag('separate_colour_plane_flag');
    bitDepth = 8 + r.ueMax('bit_depth_luma_minus8', 6);
    r.ueMax('bit_depth_chroma_minus8', 6);
    r.skip(1, 'qpprime_y_zero_transform_bypass_flag');
    if (r.flag('seq_scaling_matrix_present_flag')) {
      const lists = chromaFormatIdc === 3 ? 12 : 8;
      for (let i = 0; i < lists; i++) {
        if (r.flag('seq_scaling_list_present_flag')) skipScalingList(r, i < 6 ? 16 : 64);
      }
    }
  }

  r.ueMax('log2_max_frame_num_minus4', 12);
  const picOrderCntType = r.ueMax('pic_order_cnt_type', 2);
  if (picOrderCntType === 0) {
    r.ueMax('log2_max_pic_order_cnt_lsb_minus4', 12);
  } else if (picOrderCntType === 1) {
    r.skip(1, 'delta_pic_order_always_zero_flag');
    r.se('offset_for_non_ref_pic');
    r.se('offset_for_top_to_bottom_field');
    const cycle = r.ueMax('num_ref_frames_in_pic_order_cnt_cycle', 255);
    for (let i = 0; i < cycle; i++) r.se('offset_for_ref_frame');
  }
  r.ue('max_num_ref_frames');
  r.skip(1, 'gaps_in_frame_num_value_allowed_flag');
  const widthInMbs = r.ueMax('pic_width_in_mbs_minus1', MAX_DIMENSION_IN_MBS - 1) + 1;
  const heightInMapUnits = r.ueMax('pic_height_in_map_units_minus1', MAX_DIMENSION_IN_MBS - 1) + 1;
  const frameMbsOnly = r.flag('frame_mbs_only_flag');
  if (!frameMbsOnly) r.skip(1, 'mb_adaptive_frame_field_flag');
  r.skip(1, 'direct_8x8_inference_flag');

  // Frame cropping in chroma sample units (7.4.2.1.1, equations 7-19 to 7-22).
  const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
  const subWidthC = chromaArrayType === 3 ? 1 : 2;
  const subHeightC = chromaArrayType === 1 ? 2 : 1;
  const fieldFactor = frameMbsOnly ? 1 : 2;
  const cropUnitX = chromaArrayType === 0 ? 1 : subWidthC;
  const cropUnitY = (chromaArrayType === 0 ? 1 : subHeightC) * fieldFactor;
  let width = widthInMbs * 16;
  let height = heightInMapUnits * fieldFactor * 16;
  if (r.flag('frame_cropping_flag')) {
    const left = r.ue('frame_crop_left_offset');
    const right = r.ue('frame_crop_right_offset');
    const top = r.ue('frame_crop_top_offset');
    const bottom = r.ue('frame_crop_bottom_offset');
    width -= cropUnitX * (left + right);
    height -= cropUnitY * (top + bottom);
    if (width <= 0 || height <= 0) {
      throw new ProbeError('H.264 7.4.2.1.1 frame_crop_offset', 'cropping leaves no picture');
    }
  }

  const frameRate = r.flag('vui_parameters_present_flag') ? readVuiFrameRate(r) : null;
  return {
    profileIdc,
    constraintFlags: constraintByte,
    levelIdc,
    chromaFormat: CHROMA_FORMATS[chromaFormatIdc]!,
    bitDepth,
    width,
    height,
    frameRate,
  };
}

/** Reads one scaling_list() and discards it (ITU-T H.264 7.3.2.1.1.1); at most `size` deltas. */
function skipScalingList(r: BitReader, size: number): void {
  let lastScale = 8;
  for (let j = 0; j < size; j++) {
    const delta = r.se('delta_scale');
    if (delta < -128 || delta > 127) {
      throw new ProbeError('H.264 7.4.2.1.1.1 delta_scale', `${delta} is outside -128..127`);
    }
    const nextScale = (lastScale + delta + 256) % 256;
    if (nextScale === 0) return; // useDefaultScalingMatrixFlag, or the rest repeats lastScale
    lastScale = nextScale;
  }
}

/** Reads vui_parameters() up to the timing info (ITU-T H.264 E.1.1); frames per second or null. */
function readVuiFrameRate(r: BitReader): number | null {
  if (r.flag('aspect_ratio_info_present_flag')) {
    if (r.u(8, 'aspect_ratio_idc') === EXTENDED_SAR) r.skip(32, 'sar_width/sar_height');
  }
  if (r.flag('overscan_info_present_flag')) r.skip(1, 'overscan_appropriate_flag');
  if (r.flag('video_signal_type_present_flag')) {
    r.skip(4, 'video_format/video_full_range_flag');
    if (r.flag('colour_description_present_flag')) r.skip(24, 'colour_description');
  }
  if (r.flag('chroma_loc_info_present_flag')) {
    r.ueMax('chroma_sample_loc_type_top_field', 5);
    r.ueMax('chroma_sample_loc_type_bottom_field', 5);
  }
  if (!r.flag('timing_info_present_flag')) return null;
  const numUnitsInTick = r.u(32, 'num_units_in_tick');
  const timeScale = r.u(32, 'time_scale');
  // Both "shall be greater than 0" (E.2.1); treat a zero as absent rather than divide by it.
  return numUnitsInTick > 0 && timeScale > 0 ? timeScale / (2 * numUnitsInTick) : null;
}
