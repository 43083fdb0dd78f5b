package io.tandem.raid;

/**
 * The syndromes of a stripe and the recovery of its lost chunks, over byte arrays, one row range at a time. P is
 * the XOR of the data chunks; Q is the sum of g^i times data chunk {@code i} in GF(2^8) ({@link Gf256}).
 * <p>
 * Stateless; thread-safe. Allocates nothing.
 */
final class Parity
{
    private static final byte[][] MUL = new byte[256][];

    static
    {
        for (int c = 0; c < 256; c++)
        {
            MUL[c] = Gf256.mulTable(c);
        }
    }

    private Parity()
    {
    }

    /**
     * P and (if {@code q} is not null) Q of {@code data[0..n)}, over {@code length} bytes from {@code offset}.
     */
    static void syndromes(final byte[][] data, final int n, final int offset, final int length, final byte[] p,
        final byte[] q)
    {
        System.arraycopy(data[n - 1], offset, p, offset, length);
        if (null != q)
        {
            System.arraycopy(data[n - 1], offset, q, offset, length);
        }
        for (int i = n - 2; i >= 0; i--)
        {
            final byte[] d = data[i];
            for (int k = offset, end = offset + length; k < end; k++)
            {
                p[k] ^= d[k];
            }
            if (null != q)
            {
                // Horner: Q = (...(D[n-1] * g + D[n-2]) * g + ...) * g + D[0]
                for (int k = offset, end = offset + length; k < end; k++)
                {
                    q[k] = (byte)(times2(q[k]) ^ d[k]);
                }
            }
        }
    }

    /**
     * Data chunk {@code lost} from P and the other data chunks.
     */
    static void recoverFromP(final byte[][] data, final int n, final int lost, final byte[] p, final int offset,
        final int length)
    {
        final byte[] out = data[lost];
        System.arraycopy(p, offset, out, offset, length);
        for (int i = 0; i < n; i++)
        {
            if (i != lost)
            {
                xorInto(out, data[i], offset, length);
            }
        }
    }

    /**
     * Data chunk {@code lost} from Q and the other data chunks (P lost as well).
     */
    static void recoverFromQ(final byte[][] data, final int n, final int lost, final byte[] q, final int offset,
        final int length)
    {
        final byte[] out = data[lost];
        System.arraycopy(q, offset, out, offset, length);
        for (int i = 0; i < n; i++)
        {
            if (i != lost)
            {
                mulXorInto(out, data[i], Gf256.pow2(i), offset, length);
            }
        }
        // out = g^lost * D[lost]
        final byte[] inverse = MUL[Gf256.div(1, Gf256.pow2(lost))];
        for (int k = offset, end = offset + length; k < end; k++)
        {
            out[k] = inverse[out[k] & 0xff];
        }
    }

    /**
     * Data chunks {@code x < y} from P, Q and the other data chunks.
     */
    static void recoverTwo(final byte[][] data, final int n, final int x, final int y, final byte[] p,
        final byte[] q, final int offset, final int length)
    {
        final byte[] dx = data[x];
        final byte[] dy = data[y];
        // dx <- P + sum of the others (= Dx + Dy); dy <- Q + sum of g^i times the others (= g^x Dx + g^y Dy)
        System.arraycopy(p, offset, dx, offset, length);
        System.arraycopy(q, offset, dy, offset, length);
        for (int i = 0; i < n; i++)
        {
            if (i != x && i != y)
            {
                xorInto(dx, data[i], offset, length);
                mulXorInto(dy, data[i], Gf256.pow2(i), offset, length);
            }
        }
        // Dx = A * (Dx + Dy) + B * (g^x Dx + g^y Dy), A = g^(y-x) / (g^(y-x) + 1), B = g^-x / (g^(y-x) + 1)
        final int gyx = Gf256.pow2(y - x);
        final byte[] a = MUL[Gf256.div(gyx, gyx ^ 1)];
        final byte[] b = MUL[Gf256.div(Gf256.div(1, Gf256.pow2(x)), gyx ^ 1)];
        for (int k = offset, end = offset + length; k < end; k++)
        {
            final int pxy = dx[k] & 0xff;
            final int qxy = dy[k] & 0xff;
            final int valueX = a[pxy] ^ b[qxy];
            dx[k] = (byte)valueX;
            dy[k] = (byte)(pxy ^ valueX);
        }
    }

    static void xorInto(final byte[] dst, final byte[] src, final int offset, final int length)
    {
        for (int k = offset, end = offset + length; k < end; k++)
        {
            dst[k] ^= src[k];
        }
    }

    private static void mulXorInto(final byte[] dst, final byte[] src, final int c, final int offset,
        final int length)
    {
        final byte[] table = MUL[c];
        for (int k = offset, end = offset + length; k < end; k++)
        {
            dst[k] ^= table[src[k] & 0xff];
        }
    }

    private static int times2(final byte b)
    {
        final int x = b & 0xff;
        return ((x << 1) ^ ((x & 0x80) != 0 ? 0x1d : 0)) & 0xff;
    }
}
