import KDAutodiff

/// A deployable model made of parts of others (SimKD's student): `body` up to the map its own head
/// reads, a connector projecting that map, and another model's final linear layer (`classifier`,
/// a frozen teacher's) on the global average pool of the projection. State-dict names: `student.*`
/// (the body without its head), `projector.*`, `classifier.*`.
public final class ComposedClassifier: Classifier {
    public let body: Classifier
    public let projector: FeatureConnector
    public let classifier: Linear

    /// `body` must have a head (`Classifier.head`); its input map is what `projector` reads.
    public init(body: Classifier, projector: FeatureConnector, classifier: Linear) {
        precondition(body.head != nil, "\(type(of: body)) has no head whose input a projector could read")
        self.body = body
        self.projector = projector
        self.classifier = classifier
    }

    public override var children: [(String, Module)] {
        let bodyHead = body.head!.layer
        return body.children.filter { $0.1 !== bodyHead }.map { ("student.\($0.0)", $0.1) }
            + [("projector", projector), ("classifier", classifier)]
    }

    public override func forward(_ x: Variable, _ ctx: ForwardContext) -> Variable {
        let projected = projector(body.headInput(x, ctx), ctx)
        return classifier(projected.shape.rank == 4 ? projected.globalAvgPool() : projected, ctx)
    }
}
