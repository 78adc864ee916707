import Foundation
import KDLoss
import KDTensor

/// The PyTorch float64 reference made by Fixtures/make_loss_fixtures.py.
let lossFixtures: Safetensors = {
    let url = Bundle.module.url(forResource: "losses", withExtension: "safetensors", subdirectory: "Fixtures")!
    return try! Safetensors(contentsOf: url)
}()

/// One reference case: a kind with its options and inputs.
struct LossCase: CustomStringConvertible {
    let name: String
    let kind: String
    let options: [String]

    var description: String { name }

    func tensor(_ suffix: String) -> Tensor? { try? lossFixtures.tensor("\(name).\(suffix)") }
    var labels: [Int]? { tensor("labels")?.scalars.map { Int($0) } }
    /// The tensors of every role the case stores (`student`, `teacher`, and a kind's further roles).
    var inputs: [String: Tensor] {
        let roles = ["student", "teacher"] + (LossCatalog.kind(named: kind)?.inputs.map(\.name) ?? [])
        return Dictionary(roles.compactMap { role in tensor(role).map { (role, $0) } }, uniquingKeysWith: { a, _ in a })
    }

    /// Every case of the fixture file, by name.
    static let all: [LossCase] = lossFixtures.metadata.keys.filter { $0.hasPrefix("case.") }.sorted().map { key in
        let fields = lossFixtures.metadata[key]!.split(separator: ";").map(String.init)
        return LossCase(
            name: String(key.dropFirst(5)), kind: String(fields[0].dropFirst(5)), options: Array(fields.dropFirst()))
    }
}

/// max |a − e| / max |e|: the error relative to the tensor's scale.
func scaledError(_ actual: Tensor, _ expected: Tensor) -> Float {
    let scale = expected.scalars.reduce(0) { max($0, abs($1)) }
    let worst = zip(actual.scalars, expected.scalars).reduce(0) { max($0, abs($1.0 - $1.1)) }
    return scale > 0 ? worst / scale : worst
}
