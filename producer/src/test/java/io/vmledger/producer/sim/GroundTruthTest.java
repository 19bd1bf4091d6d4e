package io.vmledger.producer.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The ground-truth line format of the simulator ↔ alerts contract. */
class GroundTruthTest {
    @Test
    void aBugLabelNamesItsRule() {
        assertEquals(
                "{\"truth\":\"mapping_only_bo\",\"device\":\"dev-00001\",\"seq\":12,\"ts\":34,\"bo\":5,\"vm\":3,"
                        + "\"fb\":null,\"rule\":\"bo_kept_by_mappings\"}",
                new GroundTruth(BugKind.MAPPING_ONLY_BO, "dev-00001", 12, 34, 5L, 3L, null, null)
                        .toJson());
    }

    @Test
    void anInvalidLabelCarriesItsErrnoAndNoRule() {
        assertEquals(
                "{\"truth\":\"invalid\",\"device\":\"d\",\"seq\":1,\"ts\":2,\"bo\":null,\"vm\":4,\"fb\":null,"
                        + "\"rule\":null,\"errno\":\"ENOENT\"}",
                new GroundTruth(BugKind.INVALID, "d", 1, 2, null, 4L, null, "ENOENT").toJson());
        assertThrows(
                IllegalArgumentException.class,
                () -> new GroundTruth(BugKind.INVALID, "d", 1, 2, null, null, null, null));
        assertThrows(
                IllegalArgumentException.class,
                () -> new GroundTruth(BugKind.PIN_LEAK, "d", 1, 2, null, null, null, "EINVAL"));
    }
}
