/// How one sample's pixels are stored: element type and channels × height × width.
public struct SampleLayout: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Element type of stored pixels.
    public enum PixelType: String, Hashable, Sendable, Codable {
        /// Bytes 0…255, read as value / 255.
        case uint8
        /// Little-endian Float32, read as is.
        case float32

        /// Bytes per element.
        public var size: Int { self == .uint8 ? 1 : 4 }
        /// The code stored in shard headers.
        var code: UInt8 { self == .uint8 ? 0 : 1 }
        init?(code: UInt8) {
            switch code {
            case 0: self = .uint8
            case 1: self = .float32
            default: return nil
            }
        }
    }

    public var pixelType: PixelType
    public var channels: Int
    public var height: Int
    public var width: Int

    public init(pixelType: PixelType, channels: Int, height: Int, width: Int) {
        self.pixelType = pixelType
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// Elements per sample (C·H·W).
    var elementCount: Int { channels * height * width }
    /// Bytes per sample's pixels.
    public var byteCount: Int { elementCount * pixelType.size }
    /// The sample as a tensor shape [C, H, W].
    public var dims: [Int] { [channels, height, width] }

    public var description: String { "\(pixelType)[\(channels)×\(height)×\(width)]" }
}
