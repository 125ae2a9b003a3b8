import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { rotateTokenBodySchema, type RotateTokenBody } from '@alertlark/contracts';
import { ZodPipe } from '@alertlark/service-kit';
import { TeamGuard, type ConsoleRequest } from './auth.guards';
import { TokenRotationUseCase } from './token-rotation.usecase';

/** A team's own account: with its API token it can replace its API or ingest token. */
@Controller('api/v1/team')
@UseGuards(TeamGuard)
export class TeamTokensController {
  constructor(private readonly rotation: TokenRotationUseCase) {}

  /** The new token is in this answer only; the old one stops working. */
  @Post('tokens')
  @HttpCode(201)
  rotate(@Req() request: ConsoleRequest, @Body(new ZodPipe(rotateTokenBodySchema)) body: RotateTokenBody) {
    return this.rotation.rotate(request.team!._id, body.kind);
  }
}
