// What the image use cases count; the plugin backs it with Prometheus counters.
export type UploadKind = 'new_image' | 'new_version'

export interface ImageMetrics {
  uploaded(kind: UploadKind): void
  cleaned(versions: number): void
}

export const uncountedImageMetrics: ImageMetrics = { uploaded: () => {}, cleaned: () => {} }
