package io.tandem.interconnect.path;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StreamAssignmentTest
{
    @Test
    void dealsStreamsRoundRobinOverLivePaths()
    {
        final StreamAssignment assignment = new StreamAssignment(8, 4);
        assertEquals(8, assignment.assign(0b1111));
        assertPaths(assignment, 0, 1, 2, 3, 0, 1, 2, 3);

        assignment.assign(0b1101);
        assertPaths(assignment, 0, 2, 3, 0, 2, 3, 0, 2);

        assertEquals(0, assignment.assign(0b1101), "same live set, nothing moves");
        assignment.assign(0b0100);
        assertPaths(assignment, 2, 2, 2, 2, 2, 2, 2, 2);

        assertEquals(8, assignment.assign(0));
        assertPaths(assignment, -1, -1, -1, -1, -1, -1, -1, -1);

        assignment.assign(0b1111);
        assertPaths(assignment, 0, 1, 2, 3, 0, 1, 2, 3);
    }

    @Test
    void fewerStreamsThanPaths()
    {
        final StreamAssignment assignment = new StreamAssignment(2, 8);
        assignment.assign(0b1010_0000);
        assertPaths(assignment, 5, 7);
    }

    private static void assertPaths(final StreamAssignment assignment, final int... paths)
    {
        for (int stream = 0; stream < paths.length; stream++)
        {
            assertEquals(paths[stream], assignment.pathOf(stream), "stream " + stream);
        }
    }
}
