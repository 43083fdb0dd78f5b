package io.tandem.raid;

/**
 * Arithmetic in GF(2^8) with the polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11d) and generator 2, as RAID-6's Q
 * syndrome uses it (H. Peter Anvin, "The mathematics of RAID-6"): addition is XOR, multiplication goes through
 * log and exp tables.
 * <p>
 * Stateless; thread-safe.
 */
final class Gf256
{
    private static final int[] EXP = new int[512];
    private static final int[] LOG = new int[256];

    static
    {
        int x = 1;
        for (int i = 0; i < 255; i++)
        {
            EXP[i] = x;
            LOG[x] = i;
            x <<= 1;
            if ((x & 0x100) != 0)
            {
                x ^= 0x11d;
            }
        }
        for (int i = 255; i < EXP.length; i++)
        {
            EXP[i] = EXP[i - 255];
        }
    }

    private Gf256()
    {
    }

    static int mul(final int a, final int b)
    {
        return a == 0 || b == 0 ? 0 : EXP[LOG[a] + LOG[b]];
    }

    static int div(final int a, final int b)
    {
        if (b == 0)
        {
            throw new ArithmeticException("division by zero in GF(2^8)");
        }
        return a == 0 ? 0 : EXP[LOG[a] + 255 - LOG[b]];
    }

    /**
     * @return g^i, the coefficient of data chunk {@code i} in Q.
     */
    static int pow2(final int i)
    {
        return EXP[i % 255];
    }

    /**
     * @return a row of 256 products {@code c * x} for every byte {@code x}: multiplying a chunk by a constant is
     *         then a table look-up per byte.
     */
    static byte[] mulTable(final int c)
    {
        final byte[] table = new byte[256];
        for (int x = 0; x < 256; x++)
        {
            table[x] = (byte)mul(c, x);
        }
        return table;
    }
}
