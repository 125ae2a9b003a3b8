import { Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { readLarkCallback } from '@alertlark/lark';
import { NotificationObjectRepository } from '@alertlark/persistence';
import { SecretBox } from '@alertlark/secrets';
import { LarkCardActionUseCase } from './lark-card-action.usecase';
import { openOr409, ownerOf } from './sealed-fields';

/** Express' request and response as far as a callback goes (no @types/express in the workspace). */
interface CallbackRequest {
  headers: Record<string, string | string[] | undefined>;
  rawBody?: Buffer;
}
interface JsonResponse {
  status(code: number): JsonResponse;
  json(body: unknown): void;
}

/**
 * Where Lark calls an app bot back (LARK.md, "Lark app"): the URL check, and `card.action.trigger`
 * when someone clicks a card's button. Each callback is checked (signature, clock, decryption,
 * verification token) with the chatbot's own secrets before anything else; a click is then the
 * use case's (LarkCardActionUseCase).
 */
@Controller('api/v1/lark/callback')
export class LarkCallbackController {
  constructor(
    private readonly objects: NotificationObjectRepository,
    private readonly secrets: SecretBox,
    private readonly clicks: LarkCardActionUseCase,
  ) {}

  @Post(':objectId')
  @HttpCode(200)
  async callback(@Param('objectId') objectId: string, @Req() request: CallbackRequest, @Res() response: JsonResponse): Promise<void> {
    const receivedAt = Date.now();
    const object = await this.objects.byId(objectId);
    if (!object?.app) {
      response.status(404).json({ error: 'not_found', message: `no app bot ${objectId}` });
      return;
    }
    const owner = ownerOf(object);
    const check = readLarkCallback({
      headers: request.headers,
      rawBody: request.rawBody?.toString('utf8') ?? '',
      encryptKey: openOr409(this.secrets, object.app.encryptKeyEncrypted, owner, 'app.encryptKey'),
      verificationToken: openOr409(this.secrets, object.app.verificationTokenEncrypted, owner, 'app.verificationToken'),
      now: receivedAt,
    });
    if (!check.ok) {
      response.status(check.status).json({ error: 'callback_refused', message: check.reason });
      return;
    }
    const { callback } = check;
    if (callback.kind === 'url_verification') response.json({ challenge: callback.challenge });
    else response.json(await this.clicks.answer(object, callback, receivedAt));
  }
}
