package io.tandem.raid;

import io.tandem.staging.block.BlockDevice;

/**
 * A block device offered to an array as a member, with the name it is known by (its path).
 */
public record MemberDevice(String name, BlockDevice device)
{
}
