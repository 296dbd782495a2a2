import type { DataSource, EntityMetadata } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { PreparedStatement, type Row } from './prepared-statement';
import type { UnitOfWork } from './unit-of-work';

/** A named parameter of an entity statement, converted for the database as the column it is compared with. */
export interface StatementParameter {
  name: string;
  column: ColumnMetadata;
}

/**
 * Helpers for hand-written hot-path statements over entity metadata: column names come from the entities
 * (never spelled twice), values go in and come out through TypeORM's driver exactly as for entities (dates,
 * booleans, JSON, transformers), so a prepared statement and a repository call read and write the same rows.
 */
export class EntityStatements {
  constructor(
    private readonly dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  metadata(target: Parameters<DataSource['getMetadata']>[0]): EntityMetadata {
    return this.dataSource.getMetadata(target);
  }

  column(metadata: EntityMetadata, property: string): ColumnMetadata {
    const column = metadata.findColumnWithPropertyName(property);
    if (!column) throw new Error(`${metadata.tableName} has no column for ${property}`);
    return column;
  }

  /** The escaped database name of a table or column. */
  escape(name: string): string {
    return this.dataSource.driver.escape(name);
  }

  /**
   * Prepares `sql` written with `:name` parameters (as in a query builder); `run` then takes the values by
   * name, converted as their columns say.
   */
  prepare(
    name: string,
    sql: string,
    parameters: StatementParameter[],
  ): (values: Record<string, unknown>) => ReturnType<PreparedStatement['run']> {
    const driver = this.dataSource.driver;
    // Placeholder values are the parameter names: the array handed back says which name goes where.
    const [text, order] = driver.escapeQueryWithParameters(
      sql,
      Object.fromEntries(parameters.map((parameter) => [parameter.name, parameter.name])),
    );
    const columns = new Map(parameters.map((parameter) => [parameter.name, parameter.column]));
    const statement = new PreparedStatement(this.dataSource, this.unitOfWork, name, text);
    return (values) =>
      statement.run(
        (order as string[]).map(
          (key): unknown =>
            driver.preparePersistentValue(values[key], columns.get(key)!) as unknown,
        ),
      );
  }

  /** The value of `column` read back as `alias` from a row, as an entity would hold it. */
  hydrate(row: Row, alias: string, column: ColumnMetadata): unknown {
    return this.dataSource.driver.prepareHydratedValue(row[alias], column);
  }
}
