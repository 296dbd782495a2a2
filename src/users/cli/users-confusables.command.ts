import { CliCommand, type CliCommandRunner, type CliOutput } from '../../common/cli/cli-command';
import { asciiOnly } from '../../common/text/safe-text';
import { UsersService } from '../users.service';

/**
 * `npm run cli -- users:confusables`: accounts whose usernames look alike (created before look-alikes were
 * refused). Exit code 1 when there are any, so a deploy step can notice. Every character beyond printable
 * ASCII is printed as `\u{XXXX}`: that is what tells two such names apart on a terminal.
 */
@CliCommand({
  name: 'users:confusables',
  summary: 'List accounts whose usernames look alike (UTS #39 skeleton); exit 1 if there are any',
  options: {},
})
export class ListConfusablesCommand implements CliCommandRunner {
  constructor(private readonly users: UsersService) {}

  async run(_values: unknown, output: CliOutput): Promise<number> {
    const groups = await this.users.lookAlikeGroups();
    output.out(['group', 'username', 'id', 'created_at'].join('\t'));
    groups.forEach((group, index) => {
      for (const user of group) {
        output.out(
          [index + 1, asciiOnly(user.username), user.id, user.createdAt.toISOString()].join('\t'),
        );
      }
    });
    output.err(
      groups.length === 0
        ? 'No look-alike usernames.'
        : `${groups.length} group(s) of look-alike usernames; the oldest account of each keeps the name's skeleton.`,
    );
    return groups.length === 0 ? 0 : 1;
  }
}
