package io.tandem.raid;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArraySpecTest
{
    @Test
    void readsTheLayoutsAUserWrites()
    {
        assertEquals("single", ArraySpec.parse("single").toString());
        assertEquals("raid5:4+1spare", ArraySpec.parse("raid5:4+1spare").toString());
        assertEquals("raid6:6+2spare", ArraySpec.parse("RAID6:6+2spares").toString());
        assertEquals("raid0[raid1:2,raid1:2]", ArraySpec.parse("raid10:2x2").toString());
        assertEquals("raid0[raid1:2,raid1:2,raid1:2]", ArraySpec.parse("raid10:6").toString());
        assertEquals("raid1[raid5:3,raid5:3+1spare]", ArraySpec.parse("raid1[raid5:3,raid5:3+1spare]").toString());
        assertEquals(5, ArraySpec.parse("raid5:4+1spare").deviceCount());
        assertEquals(7, ArraySpec.parse("raid1[raid5:3,raid5:3+1spare]").deviceCount());
        final ArraySpec nested = ArraySpec.parse("raid1[raid5:3,raid5:3]");
        assertEquals(nested, ArraySpec.parse(nested.toString()));
    }

    @Test
    void refusesWhatItCannotBuildAndSaysWhat()
    {
        for (final String bad : new String[]{"raid5:2", "raid7:4", "raid5", "raid10:3", "raid0:2+1spare",
            "raid5:4+1", "raid1[raid5:3", "raid5:4 junk", "raid1:99999", "raid6:3"})
        {
            final IllegalArgumentException error =
                assertThrows(IllegalArgumentException.class, () -> ArraySpec.parse(bad), bad);
            assertTrue(error.getMessage().contains(bad.trim().split(" ")[0].substring(0, 4)), error.getMessage());
        }
    }
}
