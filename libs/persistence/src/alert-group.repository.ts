import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import {
  ALERT_GROUP_ACTION_MODEL,
  ALERT_GROUP_MODEL,
  USED_ACTION_LINK_MODEL,
  type AlertGroupActionDocument,
  type AlertGroupDocument,
  type UsedActionLinkDocument,
} from './alert-group.schema';
import { saveLatest } from './insert-once';

export type AlertGroupRecord = AlertGroupDocument;
export type AlertGroupActionRecord = AlertGroupActionDocument;
export type AlertGroupStateFilter = 'open' | 'claimed' | 'resolved';
export type AlertGroupDecision = Pick<AlertGroupActionRecord, '_id' | 'teamId' | 'groupId' | 'action' | 'actor' | 'source'> &
  Required<Pick<AlertGroupActionRecord, 'outcome' | 'decidedAt' | 'incident'>> & { reason?: string };

const DUPLICATE_KEY = 11000;

/** Every query takes the team id: one team never reads another's groups. */
@Injectable()
export class AlertGroupRepository {
  constructor(
    @InjectModel(ALERT_GROUP_MODEL) private readonly groups: Model<AlertGroupDocument>,
    @InjectModel(ALERT_GROUP_ACTION_MODEL) private readonly actions: Model<AlertGroupActionDocument>,
    @InjectModel(USED_ACTION_LINK_MODEL) private readonly usedLinks: Model<UsedActionLinkDocument>,
  ) {}

  get(teamId: string, groupId: string): Promise<AlertGroupRecord | null> {
    return this.groups.findOne({ _id: groupId, teamId }).lean<AlertGroupRecord>().exec();
  }

  /** Groups whose incident is in `state` (any, live or ended, when omitted), most recently changed first. */
  list(teamId: string, options: { state?: AlertGroupStateFilter; limit: number; offset: number }): Promise<AlertGroupRecord[]> {
    return this.groups
      .find({ teamId, ...(options.state ? { 'incident.state': options.state } : {}) })
      .sort({ updatedAt: -1, _id: 1 })
      .skip(options.offset)
      .limit(options.limit)
      .lean<AlertGroupRecord[]>()
      .exec();
  }

  /**
   * The latest state of each group (the projector): replaced whole, so a group created again lives
   * again. New groups (a storm's hundreds) go in one insert, the cheap write on FerretDB.
   */
  async saveMany(groups: readonly AlertGroupRecord[]): Promise<void> {
    await saveLatest(this.groups, groups);
  }

  /** Groups the router dropped (changelog tombstones name their keys). */
  async markEnded(groupKeys: readonly string[], at: Date): Promise<void> {
    if (groupKeys.length === 0) return;
    await this.groups.updateMany({ groupKey: { $in: [...groupKeys] }, endedAt: null }, { $set: { endedAt: at } }).exec();
  }

  /** Records a request once (a redelivery keeps the first). */
  async recordRequests(requests: readonly AlertGroupActionRecord[]): Promise<void> {
    if (requests.length === 0) return;
    try {
      await this.actions.insertMany(requests as AlertGroupActionRecord[], { ordered: false, lean: true });
    } catch (error) {
      const { code, writeErrors } = error as { code?: number; writeErrors?: { code?: number; err?: { code?: number } }[] };
      const duplicatesOnly = writeErrors?.length ? writeErrors.every((entry) => (entry.code ?? entry.err?.code) === DUPLICATE_KEY) : code === DUPLICATE_KEY;
      if (!duplicatesOnly) throw error;
    }
  }

  /**
   * Records decisions: the first decision of an action is the one kept (a replayed action after a
   * router restart may be decided again, differently: a resolve is then "already resolved").
   */
  async recordDecisions(decisions: readonly AlertGroupDecision[]): Promise<void> {
    for (const decision of decisions) {
      const { _id, teamId, groupId, action, actor, source, outcome, reason, decidedAt, incident } = decision;
      await this.actions
        .updateOne(
          { _id, outcome: { $exists: false } },
          { $set: { outcome, decidedAt, incident, ...(reason ? { reason } : {}) }, $setOnInsert: { teamId, groupId, action, actor, source, requestedAt: decidedAt } },
          { upsert: true },
        )
        .exec()
        .catch((error: unknown) => {
          // The filter missed because a decision is there already: the upsert collides with it.
          if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
        });
    }
  }

  action(teamId: string, actionId: string): Promise<AlertGroupActionRecord | null> {
    return this.actions.findOne({ _id: actionId, teamId }).lean<AlertGroupActionRecord>().exec();
  }

  actionsOf(teamId: string, groupId: string, limit = 200): Promise<AlertGroupActionRecord[]> {
    return this.actions.find({ teamId, groupId }).sort({ requestedAt: 1, _id: 1 }).limit(limit).lean<AlertGroupActionRecord[]>().exec();
  }

  async linkUsed(tokenId: string): Promise<boolean> {
    return (await this.usedLinks.countDocuments({ _id: tokenId }).exec()) > 0;
  }

  /** Marks an action link's token used; false if it was used before. */
  async useLink(tokenId: string, now: Date, expiresAt: Date): Promise<boolean> {
    try {
      await this.usedLinks.create({ _id: tokenId, usedAt: now, expiresAt });
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === DUPLICATE_KEY) return false;
      throw error;
    }
  }

  /** Forgets used links whose token has expired: they could not act anyway. */
  async forgetExpiredLinks(now: Date): Promise<void> {
    await this.usedLinks.deleteMany({ expiresAt: { $lt: now } }).exec();
  }

  /** Gives a link back when its action could not be asked for (Kafka down): the person may try again. */
  async releaseLink(tokenId: string): Promise<void> {
    await this.usedLinks.deleteOne({ _id: tokenId }).exec();
  }
}
