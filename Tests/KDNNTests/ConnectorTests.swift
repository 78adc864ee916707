import KDAutodiff
import KDNN
import KDTensor
import Testing

/// The 1×1-conv+BN connector on flat features is the same map as on N×C×1×1 maps.
@Suite struct ConnectorTests {
    @Test func flatFeaturesPassAsOneByOneMaps() {
        let connector = Connector(6, 4, init: ParameterInitializer(seed: 3))
        let x = CounterRandom(seed: 5).normalTensor(Shape([8, 6]), std: 1)
        for training in [true, false] {
            let ctx = ForwardContext(tape: nil, training: training)
            let flat = connector(Variable(constant: x), ctx).value
            let maps = connector(Variable(constant: x).reshaped([8, 6, 1, 1]), ctx).value
            #expect(flat.shape == [8, 4])
            #expect(flat.scalars == maps.scalars)
        }
        #expect(Connector.maps(Shape([8, 6]), to: Shape([8, 4])))
        #expect(Connector.maps(Shape([8, 6, 5, 5]), to: Shape([8, 4, 5, 5])))
        #expect(!Connector.maps(Shape([8, 6]), to: Shape([8, 4, 1, 1])))
        #expect(!Connector.maps(Shape([8, 6, 5, 5]), to: Shape([8, 4, 3, 3])))
    }
}
