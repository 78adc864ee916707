import KDTensor

/// The lowered forward of one model for one input shape: per-image "trunk" steps over
/// channels-last activations in numbered slots (convolutions with batch norm folded in, bias,
/// residual and ReLU applied with the product, max-pool fused after them), then "head" steps
/// over the matrix of the chunk's images (the linear layers, batched so each weight is read once
/// per chunk).
struct InferenceProgram {
    /// An activation of one image: channels-last [h·w, c] in trunk slot `slot`, or the input
    /// image itself (channels-first) when `slot` is `Activation.input`.
    struct Activation {
        static let input = -1
        let slot: Int
        let h: Int, w: Int, c: Int
        var floats: Int { h * w * c }
        var isInput: Bool { slot == Self.input }
    }

    /// A [rows, width] matrix of the chunk in head slot `slot`. `channelsLast` records that its
    /// columns are a flattened channels-last map (h·w, c), which the next linear layer's weight
    /// columns are permuted to match.
    struct HeadValue {
        let slot: Int
        let width: Int
        let channelsLast: (plane: Int, c: Int)?
    }

    struct ConvolutionStep {
        let src: Int, dst: Int, residual: Int?
        let h: Int, w: Int, c: Int, o: Int
        let geometry: Conv2dGeometry
        /// The weight, BN scale folded in.
        let weight: ConvolutionWeight
        let bias: [Float]?
        let relu: Bool
        /// The slot the 2×2 max-pooled output goes to (then `dst` holds the unpooled product).
        let pooled: Int?
    }

    enum ConvolutionWeight {
        /// [kh·kw·c, o] for unfolded pixels (rows in im2col's window-position-then-channel order).
        case unfolded(PackedPanels)
        /// In the Winograd domain, for 3×3 stride-1 convolutions.
        case winograd(WinogradWeight)
    }

    enum TrunkStep {
        case convolution(ConvolutionStep)
        /// Channels-first input [c, h·w] to channels-last.
        case toChannelsLast(dst: Int, c: Int, plane: Int)
        case affine(src: Int, dst: Int, rows: Int, cols: Int, scale: [Float], shift: [Float], relu: Bool)
        case relu(slot: Int, rows: Int, cols: Int)
        case maxPool(src: Int, dst: Int, h: Int, w: Int, c: Int)
        /// Copies an activation, transposed to channels-first, into tap output `tap`.
        case tap(tap: Int, slot: Int, plane: Int, c: Int)
        /// The global average of each channel into the image's row of head slot 0.
        case mean(src: Int, rows: Int, cols: Int)
        /// The activation as it lies (channels-last, or the channels-first input) into the
        /// image's row of head slot 0.
        case flatten(src: Int, count: Int)
    }

    enum HeadStep {
        /// y = x·Wᵀ + b (W [out, in]), ReLU if asked.
        case linear(src: Int, dst: Int, inputs: Int, outputs: Int, weight: [Float], bias: [Float]?, relu: Bool)
        case relu(slot: Int, cols: Int)
        case tap(tap: Int, slot: Int, cols: Int)
    }

    /// Input image shape (channels-first).
    let c: Int, h: Int, w: Int
    var trunk: [TrunkStep] = []
    var head: [HeadStep] = []
    /// Floats of each trunk slot and of the convolutions' scratch, per image.
    var slotFloats: [Int] = []
    var scratchFloats = 0
    /// Columns of each head slot (slot 0: the trunk's output).
    var headWidths: [Int] = []
    /// Tap names and per-sample shapes, in output order.
    var taps: [(name: String, shape: [Int])] = []
    /// Trunk steps from this index on run step by step over a group of images (see
    /// `InferenceProgram+Grouping`); the steps before it run image by image.
    var groupFrom = 0
    /// The slots (and floats) the grouped steps read that the per-image steps wrote.
    var groupInputs: [(slot: Int, floats: Int)] = []
    /// Floats of one image's activation in a grouped step's slot region.
    var groupRegionFloats = 0
}
